import { Option } from 'commander';
import { z } from 'zod';
import type { CommandDefinition } from '../protocol/command.js';
import { reservedFlags, type Flag, type FlagName, type Kind } from './flag.js';
import { kebab, words } from './names.js';

// How an input schema becomes flags. Runs when the command index is built (npm run build), so
// that the CLI itself starts without zod or the command definitions.

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
    const properties = Object.keys(schema.properties ?? {});
    flags = Object.entries(schema.properties ?? {}).map(([property, prop]) =>
      toFlag(
        property,
        spellingOf(property, properties),
        prop,
        required.has(property),
        property === 'name' ? `${command.noun.replace(/-/g, ' ')} name` : commonDescriptions[property],
      ),
    );
    const clash = flags.find((f) => reservedFlags.has(f.flag.slice(2)));
    if (clash) throw new Error(`${command.name}: input property '${clash.property}' clashes with the CLI's own ${clash.flag}`);
    const names = new Set(flags.map((f) => f.flag));
    const clearClash = flags.find((f) => f.clear && names.has(f.clear.flag));
    if (clearClash) throw new Error(`${command.name}: ${clearClash.clear!.flag} would both clear ${clearClash.property} and set another property; rename one`);
    cache.set(command, flags);
  }
  return flags;
}

/**
 * The one rule for ids: a flag that names resources by id is `--id` (or `--<thing>-id`), given
 * once for one resource and repeated (or comma-separated) for many, so describe and delete spell
 * it alike. A list property `ids` is therefore `--id`; its plural stays as a hidden alias.
 */
function spellingOf(property: string, properties: readonly string[]): { name: string; aliases: string[] } {
  const singular = /(^i|I)ds$/.test(property) ? property.slice(0, -1) : undefined;
  if (!singular || properties.includes(singular)) return { name: property, aliases: [] };
  return { name: singular, aliases: [property] };
}

const flagName = (name: string): FlagName => {
  const flag = `--${kebab(name)}`;
  return { flag, attribute: new Option(flag).attributeName() };
};

function toFlag(property: string, spelling: { name: string; aliases: string[] }, schema: JsonSchema, required: boolean, fallback: string | undefined): Flag {
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
  // Only lists are renamed (a list given under both spellings is simply both lists).
  const { name, aliases } = kind === 'array' ? spelling : { name: property, aliases: [] };
  return {
    property,
    ...flagName(name),
    kind,
    itemKind: kind === 'array' ? kindOf(item) : kind,
    choices,
    required,
    clear: nullable ? flagName(`clear-${kebab(name)}`) : null,
    aliases: aliases.map(flagName),
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

