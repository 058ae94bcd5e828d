import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors.js';
import type { Flag, Kind } from './flag.js';

/**
 * How commander turns the text after a flag into the value sent: numbers, booleans, times, lists
 * and key=value maps. Each refusal names the flag and what it takes, before any call is made.
 */
export function parserFor(flag: Flag): (raw: string, previous: unknown) => unknown {
  switch (flag.kind) {
    case 'number':
    case 'integer':
    case 'boolean':
    case 'time':
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
  switch (kind) {
    case 'number':
    case 'integer': {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) throw new InvalidArgumentError(`${flag.flag} takes a number`);
      if (kind === 'integer' && !Number.isInteger(value)) throw new InvalidArgumentError(`${flag.flag} takes a whole number`);
      return value;
    }
    case 'boolean':
      return parseBoolean(flag, raw);
    case 'time':
      // Checked by checkTimes before calling, with the API's own schema; sent as typed.
      return raw;
    case 'json':
    case 'object':
    case 'array':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        // A bare word is the string it looks like; anything else must be JSON.
        if (kind === 'json' && !/^[[{"]/.test(raw.trim())) return raw;
        throw new InvalidArgumentError(`${flag.flag} takes JSON, and '${raw}' is not valid JSON`);
      }
    default:
      return raw;
  }
}

/** `--flag true` and `--flag false` as well as `--flag` and `--no-flag`: people type both. */
function parseBoolean(flag: Flag, raw: string): boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const clear = raw === 'null' && flag.clear ? `; ${flag.clear.flag} sends null` : '';
  throw new InvalidArgumentError(`${flag.flag} takes true or false, not '${raw}'${clear}`);
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses a time flag the API would refuse, naming the flag, before anything is called. Run in
 * the command's action rather than while parsing, so that only a command given a time loads the
 * API's schema (and zod with it).
 */
export async function checkTimes(flags: readonly Flag[], values: Record<string, unknown>): Promise<void> {
  const timed = flags.filter((flag) => flag.itemKind === 'time' && values[flag.property] !== undefined && values[flag.property] !== null);
  if (timed.length === 0) return;
  const { instant } = await import('../protocol/common.js');
  for (const flag of timed) {
    for (const raw of [values[flag.property]].flat()) {
      const checked = instant.safeParse(raw);
      if (!checked.success) throw new UsageError(`${flag.flag} ${checked.error.issues[0]!.message}`);
    }
  }
}
