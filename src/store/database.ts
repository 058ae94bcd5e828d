/**
 * The one interface the rest of Maestro uses to talk to PostgreSQL, whether it is the embedded
 * PGlite or a real server. Both return the same JavaScript types: int8 as number, numeric as
 * string, timestamps as ISO-8601 strings in UTC, json/jsonb parsed.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Subscribes to NOTIFY on a channel; returns the unsubscribe function. `onGap` hears that the
   * listening connection was lost and listening resumed: notifications in between were missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The SQLSTATE codes we react to. */
export const sqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlock: '40P01',
} as const;

export interface DatabaseErrorLike {
  code: string;
  constraint?: string;
  detail?: string;
  message: string;
}

export function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

// PostgreSQL's own text form in a UTC session ("2026-03-01 12:00:00.5+00"), and the form the
// TIMESTAMP parsers pass ("2026-03-01 12:00:00.5Z"), are rewritten without a Date, whose parser
// is slow on non-ISO text and showed in read-heavy profiles (two timestamps per row of a page).
const utcText = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:\+00|Z)$/;

/** A timestamp as PostgreSQL writes it, as ISO-8601 in UTC with milliseconds. */
export function toIsoTimestamp(value: string): string {
  if (!utcText.test(value)) return new Date(value).toISOString();
  // "YYYY-MM-DD HH:MM:SS" is 19 characters; a fraction follows from the 20th.
  const fraction = value.charCodeAt(19) === 46 /* . */ ? value.slice(20, value.length - (value.endsWith('Z') ? 1 : 3)) : '';
  return `${value.slice(0, 10)}T${value.slice(11, 19)}.${(fraction + '000').slice(0, 3)}Z`;
}
