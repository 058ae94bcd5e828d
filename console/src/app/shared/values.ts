/** Reading and showing values of list items: paths into objects, column headers, cell text. */

/** `a.b.c` into a value; undefined when any step is missing. */
export function valueAt(item: unknown, path: string): unknown {
  let value: unknown = item;
  for (const step of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** 'initiator.name' → 'Initiator name', 'ramGb' → 'RAM GB'-like words: the header of a column path. */
export function headerOf(path: string): string {
  const words = path
    .split('.')
    .flatMap((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_-]+/))
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  // The last two words of a long path say enough (load.jobsRunning → 'Load jobs running').
  const text = words.join(' ').replace(/\bid\b/g, 'ID').replace(/\bgb\b/g, 'GB').replace(/\bcpu\b/g, 'CPU').replace(/\bram\b/g, 'RAM');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A value as one short line of text for a table cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return isoInstant.test(value) ? dateFormat.format(new Date(value)) : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((entry) => cellText(nameOf(entry))).join(', ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const name = nameOf(record);
    if (name !== record) return cellText(name);
    // A map of tags or limits: key=value pairs.
    return Object.entries(record)
      .map(([key, entry]) => `${key}=${typeof entry === 'object' && entry !== null ? JSON.stringify(entry) : String(entry)}`)
      .join(', ') || '—';
  }
  return String(value);
}

/** An object that names itself (name, then id) stands for its name in a cell. */
function nameOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of ['name', 'displayName', 'id', 'key']) {
    if (typeof record[key] === 'string') return record[key];
  }
  return value;
}
