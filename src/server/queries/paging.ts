import { invalidInput } from '../../protocol/errors.js';

/**
 * Keyset pagination: the cursor is the sort key of the last item returned, wrapped so callers
 * treat it as opaque. Stable under concurrent inserts, unlike offsets.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidInput('cursor is not one this server returned; pass the nextCursor of the previous page', {
    field: 'cursor',
  });
}

/** Fetches limit+1 rows to know whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (item: T) => string): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** For lists ordered by a UUID column: a cursor that is not one is refused before SQL sees it. */
export function decodeUuidCursor(cursor: string | undefined): string | null {
  const after = decodeCursor(cursor);
  if (after !== null && !uuidPattern.test(after)) {
    throw invalidInput('cursor is not one this server returned; pass the nextCursor of the previous page', { field: 'cursor' });
  }
  return after;
}
