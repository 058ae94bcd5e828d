import { MAX_SCALE, parseDecimal, type Decimal } from '../../../domain/billing/decimal.js';
import { detached } from './csv.js';

/**
 * The FOCUS value formats (specification attributes "Date/Time Format", "Numeric Format",
 * "Currency Format"), parsed strictly but without surprises: a value is either read exactly or
 * refused, never guessed. Exports repeat the same few timestamps on every row, so parsed ones
 * are remembered.
 */

// ISO 8601 date and time. FOCUS writes UTC with a Z; an explicit offset is honoured, and a time
// without zone is taken as the UTC the specification requires. 'T' or a space between date and
// time, and a trailing " UTC", as BigQuery writes them.
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(?: ?(Z|UTC|[+-]\d{2}(?::?\d{2})?))?$/i;

const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, number | null>();

/** Milliseconds since the epoch, or null when the text is not an ISO 8601 date/time. */
export function parseTimestamp(text: string): number | null {
  let value = remembered.get(text);
  if (value !== undefined) return value;
  value = readTimestamp(text);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(detached(text), value);
  return value;
}

function readTimestamp(text: string): number | null {
  const match = timestampPattern.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Years before 1970 are no billing data (and Date.UTC would read 0099 as 1999); after 8999 a
  // day could leave PostgreSQL's four-digit years.
  if (year < 1970 || year > 8999) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = fraction ? Math.round(Number(fraction) * 1000) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs(zone);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.length === 1 || zone.toUpperCase() === 'UTC') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
}

// Numeric Format: digits, an optional fraction and exponent, a minus but never a plus sign,
// no thousands separators, currency symbols or units.
const decimalPattern = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Beyond this a cost is no bill but a broken file, and sums of such would overflow numeric(24, 10). */
export const MAX_AMOUNT = 1e12;

/**
 * A FOCUS decimal, read exactly (it is summed exactly), or what is wrong with it ("is not a
 * number" …). The size is checked on the binary value first, so that no huge exponent is ever
 * expanded.
 */
export function parseAmount(text: string): Decimal | string {
  if (!decimalPattern.test(text)) return 'is not a number';
  const value = Number(text);
  if (!Number.isFinite(value)) return 'is not a number';
  if (Math.abs(value) > MAX_AMOUNT) return 'is beyond ±10^12';
  return parseDecimal(text) ?? `has more than ${MAX_SCALE} decimal places`;
}

// Currency Format: an ISO 4217 alphabetic code. Node's ICU knows the current ones.
const currencies = new Set<string>(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(text: string): boolean {
  return currencies.has(text);
}

// PostgreSQL text cannot hold NUL, nor jsonb an unpaired surrogate (reachable through JSON escapes).
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorable(text: string): boolean {
  return !unstorable.test(text);
}

/** A value quoted in a report: at most `max` characters, control characters shown as U+FFFD. */
export function excerpt(text: string, max = 60): string {
  const chars = Array.from(text);
  const shown = chars.slice(0, max).join('').replace(/[\u0000-\u001f\u007f\ud800-\udfff]/g, '\ufffd');
  return chars.length > max ? `${shown}…` : shown;
}
