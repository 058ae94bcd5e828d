import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { CommandDefinition } from '../protocol/command.js';
import { UsageError } from './errors.js';
import type { Flag, Kind } from './flag.js';
import { isRecord, parserFor } from './flag-parsers.js';
import { kebab, words } from './names.js';
import { readAll } from './prompt.js';

export type { Flag, Kind } from './flag.js';

/** The slice of JSON Schema that zod emits for command inputs. */
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  format?: string;
}

/** Flags every generated command has; a schema property with one of these names would be unreachable. */
export const reservedFlags = new Set(['input', 'json', 'all', 'help']);

/** Help texts for properties whose schemas carry no description of their own. */
const commonDescriptions: Record<string, string> = {
  customer: 'customer name',
  tenant: 'tenant name',
  region: 'region name',
  group: 'tenant group name',
  user: 'user name',
  limit: 'at most this many items per page',
  cursor: 'nextCursor of the previous page, to get the next one',
};

const cache = new WeakMap<CommandDefinition, Flag[]>();

export function flagsOf(command: CommandDefinition): Flag[] {
  let flags = cache.get(command);
  if (!flags) {
    // io: 'input' because identifiers are transforms: their output side is unrepresentable.
    const schema = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const required = new Set(schema.required ?? []);
    flags = Object.entries(schema.properties ?? {}).map(([property, prop]) =>
      toFlag(property, prop, required.has(property), property === 'name' ? `${command.noun.replace(/-/g, ' ')} name` : commonDescriptions[property]),
    );
    const clash = flags.find((f) => reservedFlags.has(kebab(f.property)));
    if (clash) throw new Error(`${command.name}: input property '${clash.property}' clashes with the CLI's own --${kebab(clash.property)}`);
    const names = new Set(flags.map((f) => f.flag));
    const clearClash = flags.find((f) => f.clear && names.has(f.clear.flag));
    if (clearClash) throw new Error(`${command.name}: ${clearClash.clear!.flag} would both clear ${clearClash.property} and set another property; rename one`);
    cache.set(command, flags);
  }
  return flags;
}

function toFlag(property: string, schema: JsonSchema, required: boolean, fallback: string | undefined): Flag {
  const { base, nullable } = withoutNull(schema);
  const kind = kindOf(base);
  const item = base.items ?? {};
  const choices = choicesOf(kind === 'array' ? item : base);
  const notes = [
    choices && kind === 'array' ? `each one of: ${choices.join(', ')}` : '',
    kind === 'array' ? 'repeatable or comma-separated' : '',
    kind === 'object' ? 'key=value, repeatable; or a JSON object' : '',
    kind === 'json' ? 'JSON' : '',
    kind === 'time' ? 'YYYY-MM-DD (start of the day, UTC) or an ISO 8601 date-time with Z or an offset' : '',
    base.format ? base.format : '',
    base.default !== undefined ? `default: ${JSON.stringify(base.default)}` : '',
    required ? 'required' : '',
  ].filter(Boolean);
  const secret = /password|secret/i.test(property) && kind === 'string';
  if (secret) notes.push('asked for without echo when omitted, or read from piped stdin');
  const text = base.description ?? fallback ?? words(property);
  const flag = `--${kebab(property)}`;
  const clearFlag = `--clear-${kebab(property)}`;
  return {
    property,
    flag,
    attribute: new Option(flag).attributeName(),
    kind,
    itemKind: kind === 'array' ? kindOf(item) : kind,
    choices,
    required,
    clear: nullable ? { flag: clearFlag, attribute: new Option(clearFlag).attributeName() } : null,
    secret,
    description: notes.length > 0 ? `${text} (${notes.join('; ')})` : text,
  };
}

/**
 * A property's schema without its null, and whether it had one: zod writes a nullable as
 * `anyOf: [T, {type: null}]`, or as `type: [T, 'null']` for plain types.
 */
function withoutNull(schema: JsonSchema): { base: JsonSchema; nullable: boolean } {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const nonNull = alternatives.filter((s) => s.type !== 'null');
    const inner: JsonSchema = nonNull.length === 1 ? nonNull[0]! : { anyOf: nonNull };
    return {
      base: { ...inner, description: schema.description ?? inner.description, default: schema.default ?? inner.default },
      nullable: nonNull.length < alternatives.length,
    };
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t) => t !== 'null');
    return { base: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  if (schema.enum?.includes(null)) return { base: { ...schema, enum: schema.enum.filter((v) => v !== null) }, nullable: true };
  return { base: schema, nullable: false };
}

function kindOf(schema: JsonSchema): Kind {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    const formats = new Set(alternatives.map((s) => (s.type === 'string' ? (s.format ?? 'text') : 'other')));
    if (formats.size === 2 && formats.has('date') && formats.has('date-time')) return 'time';
    return formats.has('other') ? 'json' : 'string';
  }
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean' || type === 'array' || type === 'object') return type;
  if (schema.enum?.every((v) => typeof v === 'string') || typeof schema.const === 'string') return 'string';
  return 'json';
}

function choicesOf(schema: JsonSchema): string[] | undefined {
  const values = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  return values?.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

const placeholders: Record<Kind, string> = {
  string: 'text',
  number: 'number',
  integer: 'integer',
  boolean: 'true|false',
  time: 'date|date-time',
  array: 'item',
  object: 'key=value',
  json: 'json',
};

/**
 * Adds one commander option per flag: booleans take `--flag`, `--flag true|false` and
 * `--no-flag`; nullable properties add `--clear-flag`.
 */
export function addFlags(command: Command, flags: readonly Flag[]): void {
  for (const flag of flags) {
    if (flag.kind === 'boolean') {
      // The value is optional so that a bare `--flag` still means true.
      command.addOption(new Option(`${flag.flag} [${placeholders.boolean}]`, flag.description).argParser(parserFor(flag)));
      command.addOption(new Option(`--no-${flag.flag.slice(2)}`, `sets ${flag.property} to false`));
    } else {
      const placeholder = flag.choices && flag.kind === 'string' ? 'choice' : placeholders[flag.kind];
      const option = new Option(`${flag.flag} <${placeholder}>`, flag.description);
      if (flag.kind === 'string' && flag.choices) option.choices(flag.choices);
      else option.argParser(parserFor(flag));
      command.addOption(option);
    }
    if (flag.clear) command.addOption(new Option(flag.clear.flag, `sets ${flag.property} to null`));
  }
}

/** The values of the flags given on the command line, by input property. */
export function flagValues(command: Command, flags: readonly Flag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags) {
    const given = command.getOptionValueSource(flag.attribute) === 'cli';
    const cleared = flag.clear !== null && command.getOptionValueSource(flag.clear.attribute) === 'cli';
    if (given && cleared) throw new UsageError(`give ${flag.flag} or ${flag.clear!.flag}, not both`);
    if (cleared) out[flag.property] = null;
    else if (given) out[flag.property] = command.getOptionValue(flag.attribute) as unknown;
  }
  return out;
}

/** `--input`: inline JSON, `@file`, or `@-` for stdin; always one JSON object. */
export async function parseInputOption(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  let text = raw;
  if (raw.startsWith('@')) {
    const file = raw.slice(1);
    try {
      text = file === '-' ? await readAll() : readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--input ${raw}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new UsageError('--input must be a JSON object of named parameters');
  return value;
}

/** Required flags still missing once --input, flags and prompts have had their say. */
export function missingFlags(flags: readonly Flag[], input: Record<string, unknown>): Flag[] {
  return flags.filter((flag) => flag.required && input[flag.property] === undefined);
}
