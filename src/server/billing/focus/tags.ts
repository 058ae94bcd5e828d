import { detached } from './csv.js';
import { isStorable } from './values.js';

/**
 * The FOCUS Tags column (Key-Value Format): a JSON object whose values are strings, numbers,
 * booleans or null. A daily tenant record keeps tags as Maestro does everywhere, text to text:
 * numbers and booleans become their JSON text, and null (a label without value) the empty
 * string. Its key is the canonical JSON of that set, sorted by tag key, '' for no tags, so
 * that the same tags always sum into the same record.
 */
export interface TagSet {
  key: string;
  tags: Readonly<Record<string, string>>;
}

export const NO_TAGS: TagSet = { key: '', tags: {} };

const MAX_TAGS_CHARS = 64 * 1024;
const MAX_REMEMBERED = 10_000;
// Rows of one resource repeat its tags verbatim, so each distinct text is parsed once.
const remembered = new Map<string, TagSet | string>();

/** The tag set, or what is wrong with the text. */
export function parseTags(text: string): TagSet | string {
  if (text === '' || text === '{}') return NO_TAGS;
  let result = remembered.get(text);
  if (result !== undefined) return result;
  result = readTags(text);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(detached(text), result);
  return result;
}

function readTags(text: string): TagSet | string {
  if (text.length > MAX_TAGS_CHARS) return `is longer than ${MAX_TAGS_CHARS} characters`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'is not a JSON object';
  const entries: [string, string][] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') return 'has a value that is an object or an array';
    const tagValue = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    if (!isStorable(key) || !isStorable(tagValue)) return 'holds a NUL character or a broken \\u escape';
    entries.push([key, tagValue]);
  }
  if (entries.length === 0) return NO_TAGS;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // fromEntries defines own properties, so a "__proto__" tag stays a tag.
  const tags = Object.fromEntries(entries);
  return { key: JSON.stringify(tags), tags };
}
