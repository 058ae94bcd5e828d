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

export const timestamp = z.iso.datetime({ offset: true });

/** Cursor pagination: the cursor is opaque to callers. */
export const pageInput = {
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
};

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const empty = z.strictObject({});
export const ok = z.object({ ok: z.literal(true) });
