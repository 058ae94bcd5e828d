import { z } from 'zod';

/**
 * Shared schema pieces. Organisation identifiers (customers, tenants, groups, regions) are
 * upper case on the wire, as in the published Maestro clients; we accept any case and store the
 * canonical upper-case form so lookups never depend on how a user typed a name.
 */
export const identifier = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(64, `${what} must be at most 64 characters`)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      `${what} may contain letters, digits, '.', '_' and '-', and must start with a letter or digit`,
    )
    .transform((value) => value.toUpperCase());

export const userName = z
  .string()
  .trim()
  .min(1, 'user name must not be empty')
  .max(128, 'user name must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/, "user name may contain letters, digits and '._@+-'")
  .transform((value) => value.toLowerCase());

export const email = z.email().max(254);

export const displayText = (max: number) => z.string().trim().max(max);

/** A time as Maestro writes it in outputs: ISO 8601 with Z or an offset. */
export const timestamp = z.iso.datetime({ offset: true });

/** How a refused value is shown back: short, and never more than the start of a long one. */
function shown(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : `a ${typeof value}`;
  return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
}

/** What a time input accepts, said the same way by the API and the CLI. */
export const timeForms =
  'a date YYYY-MM-DD (the start of that day in UTC) or an ISO 8601 date-time with Z or an offset (2026-03-01T09:30:00Z, 2026-03-01T09:30:00+02:00)';

/**
 * Every input that asks for a time takes this: a date or a date-time, so that `--from 2026-03-01`
 * works wherever `--from 2026-03-01T00:00:00Z` does. Anything else, impossible dates included, is
 * one issue on the field; it aborts, so the object's own checks (from before to …) do not add
 * follow-on errors about a value that was never read. Handlers get ISO 8601 in UTC
 * (`2026-03-01T00:00:00.000Z`), which compares as text and casts to timestamptz without a session
 * time zone.
 */
export const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: (issue) => `must be ${timeForms}, not ${shown(issue.input)}` })
  .transform((value, ctx) => {
    const time = new Date(value);
    // An offset can carry 0000-01-01 or 9999-12-31 out of the years the databases store.
    const year = time.getUTCFullYear();
    if (year < 1 || year > 9999) {
      ctx.issues.push({ code: 'custom', input: value, message: `must be a time in the years 0001 to 9999 (UTC), not ${shown(value)}` });
      return z.NEVER;
    }
    return time.toISOString();
  });

/** The UTC day (YYYY-MM-DD) of an `instant`'s value, for inputs that count whole days. */
export const utcDay = (value: string): string => value.slice(0, 10);

/** A calendar month (UTC), YYYY-MM, for the fields that count by month. */
export const calendarMonth = z
  .string({ error: (issue) => `must be a month YYYY-MM (2026-03), not ${shown(issue.input)}` })
  .regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, { error: (issue) => `must be a month YYYY-MM (2026-03), not ${shown(issue.input)}`, abort: true });

/** Cursor pagination: the cursor is opaque to callers. */
export const pageInput = {
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
};

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const empty = z.strictObject({});
export const ok = z.object({ ok: z.literal(true) });
