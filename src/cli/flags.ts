import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import type { CommandDefinition } from '../protocol/command.js';
import { UsageError } from './errors.js';
import { kebab, words } from './names.js';
import { readAll } from './prompt.js';

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

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'json';

/** One top-level input property as a command-line flag. */
export interface Flag {
  property: string;
  /** `--kebab-name` */
  flag: string;
  /** Where commander stores the value (its camel case of the flag). */
  attribute: string;
  kind: Kind;
  /** For arrays: the kind of each item. */
  itemKind: Kind;
  choices: string[] | undefined;
  required: boolean;
  /** Nullable properties also get `--no-<flag>`, which sends null. */
  nullable: boolean;
  /** Asked for without echo instead of being required on the command line. */
  secret: boolean;
  description: string;
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
    cache.set(command, flags);
  }
  return flags;
}

function toFlag(property: string, schema: JsonSchema, required: boolean, fallback: string | undefined): Flag {
  const alternatives = schema.anyOf ?? schema.oneOf;
  const nonNull = alternatives?.filter((s) => s.type !== 'null') ?? [schema];
  const nullable = alternatives !== undefined && nonNull.length < alternatives.length;
  const base: JsonSchema = nonNull.length === 1 ? { ...nonNull[0], description: schema.description ?? nonNull[0]!.description } : {};
  const kind = kindOf(base);
  const item = base.items ?? {};
  const choices = choicesOf(kind === 'array' ? item : base);
  const notes = [
    choices && kind === 'array' ? `each one of: ${choices.join(', ')}` : '',
    kind === 'array' ? 'repeatable or comma-separated' : '',
    kind === 'object' ? 'key=value, repeatable; or a JSON object' : '',
    kind === 'json' ? 'JSON' : '',
    base.format ? base.format : '',
    base.default !== undefined ? `default: ${JSON.stringify(base.default)}` : '',
    required ? 'required' : '',
  ].filter(Boolean);
  const secret = /password|secret/i.test(property) && kind === 'string';
  if (secret) notes.push('asked for without echo when omitted, or read from piped stdin');
  const text = base.description ?? fallback ?? words(property);
  const flag = `--${kebab(property)}`;
  return {
    property,
    flag,
    attribute: new Option(flag).attributeName(),
    kind,
    itemKind: kind === 'array' ? kindOf(item) : kind,
    choices,
    required,
    nullable,
    secret,
    description: notes.length > 0 ? `${text} (${notes.join('; ')})` : text,
  };
}

function kindOf(schema: JsonSchema): Kind {
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
  boolean: '',
  array: 'item',
  object: 'key=value',
  json: 'json',
};

/** Adds one commander option per flag (two for booleans and nullable values). */
export function addFlags(command: Command, flags: readonly Flag[]): void {
  for (const flag of flags) {
    if (flag.kind === 'boolean') {
      command.addOption(new Option(flag.flag, flag.description));
      command.addOption(new Option(`--no-${flag.flag.slice(2)}`, `sets ${flag.property} to false`));
      continue;
    }
    const placeholder = flag.choices && flag.kind === 'string' ? 'choice' : placeholders[flag.kind];
    const option = new Option(`${flag.flag} <${placeholder}>`, flag.description);
    if (flag.kind === 'string' && flag.choices) option.choices(flag.choices);
    else option.argParser(parserFor(flag));
    command.addOption(option);
    if (flag.nullable) command.addOption(new Option(`--no-${flag.flag.slice(2)}`, `sets ${flag.property} to null`));
  }
}

function parserFor(flag: Flag): (raw: string, previous: unknown) => unknown {
  switch (flag.kind) {
    case 'number':
    case 'integer':
    case 'json':
      return (raw) => parseScalar(flag, flag.kind, raw);
    case 'array':
      return (raw, previous) => [
        ...(Array.isArray(previous) ? previous : []),
        ...splitList(raw).map((item) => {
          if (flag.choices && !flag.choices.includes(item)) {
            throw new InvalidArgumentError(`${flag.flag} takes ${flag.choices.join(', ')}; '${item}' is none of them`);
          }
          return parseScalar(flag, flag.itemKind, item);
        }),
      ];
    case 'object':
      return (raw, previous) => ({ ...(isRecord(previous) ? previous : {}), ...parsePairs(flag, raw) });
    default:
      return (raw) => raw;
  }
}

function parseScalar(flag: Flag, kind: Kind, raw: string): unknown {
  if (kind === 'number' || kind === 'integer') {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`${flag.flag} takes a number`);
    if (kind === 'integer' && !Number.isInteger(value)) throw new InvalidArgumentError(`${flag.flag} takes a whole number`);
    return value;
  }
  if (kind === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new InvalidArgumentError(`${flag.flag} takes true or false, not '${raw}'`);
  }
  if (kind === 'json' || kind === 'object' || kind === 'array') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      // A bare word is the string it looks like; anything else must be JSON.
      if (kind === 'json' && !/^[[{"]/.test(raw.trim())) return raw;
      throw new InvalidArgumentError(`${flag.flag} takes JSON, and '${raw}' is not valid JSON`);
    }
  }
  return raw;
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parsePairs(flag: Flag, raw: string): Record<string, unknown> {
  if (raw.trim().startsWith('{')) {
    const value = parseScalar(flag, 'json', raw);
    if (isRecord(value)) return value;
  }
  const at = raw.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`${flag.flag} takes key=value or a JSON object, not '${raw}'`);
  return { [raw.slice(0, at)]: raw.slice(at + 1) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values of the flags given on the command line, by input property. */
export function flagValues(command: Command, flags: readonly Flag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags) {
    if (command.getOptionValueSource(flag.attribute) !== 'cli') continue;
    const value = command.getOptionValue(flag.attribute) as unknown;
    out[flag.property] = value === false && flag.kind !== 'boolean' ? null : value;
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
