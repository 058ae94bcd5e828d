import { invalidInput } from '../../protocol/errors.js';
import { decodeCursor, decodeUuidCursor, encodeCursor } from './paging.js';

export type ResourceSortKey = 'name' | 'type' | 'region' | 'state' | 'createdAt';

/** How a Management list is ordered: by a column and then by id, so that ties have a fixed order. */
export interface ResourceOrder {
  key: ResourceSortKey | 'id';
  descending: boolean;
}

/** The default: by id, the order resources.describe always had (ids are UUIDv7, so roughly by age). */
export const byId: ResourceOrder = { key: 'id', descending: false };

/** `sort` as the command takes it (`name`, `-name`), with an optional separate `order`. */
export function orderOf(sort: string | undefined, order: 'asc' | 'desc' | undefined): ResourceOrder {
  if (sort === undefined) {
    if (order !== undefined) throw invalidInput(`order sets the direction of sort: give sort too (one of name, type, region, state, createdAt)`, { field: 'order' });
    return byId;
  }
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as ResourceSortKey;
  if (descending && order === 'asc') {
    throw invalidInput(`sort '${sort}' is descending and order is 'asc'; give one of them`, { field: 'order' });
  }
  return { key, descending: descending || order === 'desc' };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const spelling = (order: ResourceOrder) => `${order.descending ? '-' : ''}${order.key}`;

/** Where the next page starts: after this row's sort value (as PostgreSQL writes it) and id. */
export interface ResourcePosition {
  value: string;
  id: string;
}

/**
 * The cursor names its sort, so that one from another sort is refused rather than skipping rows.
 * Sorted by id, it is the id alone, as the cursors resources.describe always returned.
 */
export function encodeResourceCursor(order: ResourceOrder, position: ResourcePosition): string {
  return order.key === 'id' ? encodeCursor(position.id) : encodeCursor(JSON.stringify([spelling(order), position.value, position.id]));
}

export function decodeResourceCursor(order: ResourceOrder, cursor: string | undefined): ResourcePosition | null {
  if (order.key === 'id') {
    const id = decodeUuidCursor(cursor);
    return id === null ? null : { value: id, id };
  }
  const after = decodeCursor(cursor);
  if (after === null) return null;
  const refuse = (why: string) => invalidInput(`cursor ${why}; pass the nextCursor of the previous page, with the same sort`, { field: 'cursor' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(after);
  } catch {
    throw refuse('is not one this server returned');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === 'string')) throw refuse('is not one this server returned');
  const [sort, value, id] = parsed as [string, string, string];
  if (sort !== spelling(order)) throw refuse(`was returned for sort '${sort}', not '${spelling(order)}'`);
  if (!uuidPattern.test(id) || (order.key === 'createdAt' && Number.isNaN(Date.parse(value)))) throw refuse('is not one this server returned');
  return { value, id };
}
