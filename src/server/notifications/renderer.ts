import Mustache from 'mustache';
import { invalidInput } from '../../protocol/errors.js';
import type { TemplatePart } from '../../protocol/notifications.js';

/**
 * Fills notification templates with their data: Mustache, logic-less, so a template (a
 * customer's own included) can show data but never run code. E-mail HTML escapes every value;
 * the text parts (subject, in-app text, push) take values as they are.
 */

type Spans = Mustache.TemplateSpans;
type Writer = Mustache.Writer & { templateCache: Mustache.TemplateCache };

const plain = (value: unknown) => String(value);
const escapingOf = (part: TemplatePart) => (part === 'email' ? Mustache.escape : plain);

/** Parsed templates, bounded: customers' templates come and go, and each version is a new key. */
function boundedCache(limit: number): Mustache.TemplateCache {
  const entries = new Map<string, string>();
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      if (entries.size >= limit) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
    },
    clear: () => entries.clear(),
  };
}

/** The longest each part may get once rendered; a push message must fit the push services' 4 KB. */
const maxLength: Record<TemplatePart, number> = { subject: 300, inApp: 4000, email: 200_000, push: 1000 };

export class Renderer {
  readonly #writer: Writer;

  constructor(cacheSize = 1000) {
    this.#writer = new Mustache.Writer() as Writer;
    this.#writer.templateCache = boundedCache(cacheSize);
  }

  render(template: string, part: TemplatePart, view: object): string {
    const text = this.#writer.render(template, view, undefined, { escape: escapingOf(part) });
    // A subject is one line, whatever the data holds (no header injection, no ragged titles).
    const shaped = part === 'subject' ? text.replace(/\s+/g, ' ').trim() : text.trim();
    return shaped.length > maxLength[part] ? `${shaped.slice(0, maxLength[part] - 1)}…` : shaped;
  }
}

const MISSING = Symbol('missing');

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A name as Mustache looks it up: the first segment from the innermost context out, the rest from there. */
function resolve(name: string, stack: readonly unknown[]): unknown {
  if (name === '.') return stack.at(-1);
  const [first, ...rest] = name.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const context = stack[i];
    if (!isRecord(context) || !Object.hasOwn(context, first!)) continue;
    let value: unknown = context[first!];
    for (const segment of rest) {
      if (!isRecord(value) || !Object.hasOwn(value, segment)) return MISSING;
      value = value[segment];
    }
    return value;
  }
  return MISSING;
}

/** What a template does that a notification cannot: names its data lacks, partials, unescaped HTML. */
function problemsOf(spans: Spans, part: TemplatePart, stack: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const span of spans) {
    const [kind, name] = span;
    if (kind === 'text' || kind === '!' || kind === '=') continue;
    if (kind === '>') {
      problems.push(`{{> ${name}}}: there are no partials`);
      continue;
    }
    if (kind === '&' && part === 'email') problems.push(`{{{${name}}}}: e-mail HTML shows values escaped; use {{${name}}}`);
    const value = resolve(name, stack);
    if (value === MISSING) problems.push(`{{${name}}}: the data has no such name`);
    const inner = span[4];
    if ((kind === '#' || kind === '^') && Array.isArray(inner)) {
      // Inside a section over a list or an object, names are looked up in its (first) item first.
      const item = kind === '#' ? (Array.isArray(value) ? value[0] : value) : undefined;
      problems.push(...problemsOf(inner, part, isRecord(item) ? [...stack, item] : stack));
    }
  }
  return problems;
}

/**
 * Checks a template against its type's sample data and renders the sample with it: syntax
 * errors, unknown names, partials and (in e-mail HTML) unescaped values are refused with what
 * to change. Returns the preview.
 */
export function checkTemplate(renderer: Renderer, template: string, part: TemplatePart, sample: Record<string, unknown>): string {
  let spans: Spans;
  try {
    // A writer of its own: a refused template stays out of the shared cache.
    spans = new Mustache.Writer().parse(template);
  } catch (error) {
    throw invalidInput(`the template does not parse: ${(error as Error).message}`, { field: 'template' });
  }
  const problems = problemsOf(spans, part, [sample]);
  if (problems.length > 0) {
    throw invalidInput(`the template cannot be used: ${problems.join('; ')}. The names it may use are in the type's sample data (notification-template describe)`, {
      field: 'template',
      problems,
    });
  }
  return renderer.render(template, part, sample);
}
