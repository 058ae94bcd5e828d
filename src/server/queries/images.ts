import type { Image } from '../../protocol/commands/compute-schemas.js';
import { invalidInput, notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import { nameContains } from './name-search.js';
import { decodeCursor, encodeCursor } from './paging.js';

const imageSelect = `SELECT i.id, i.name, r.name AS region, CASE WHEN i.tenant_id IS NULL THEN 'public' ELSE 'tenant' END AS catalog,
  t.name AS tenant, i.os, i.min_disk_gb AS "minDiskGb", COALESCE(i.description, '') AS description, i.state, i.state_reason AS "stateReason", i.native_id AS "nativeId", i.created_at AS "createdAt"
  FROM images i JOIN regions r ON r.id = i.region_id LEFT JOIN tenants t ON t.id = i.tenant_id`;

export interface ImageFilter {
  name?: string | undefined;
  ids?: readonly string[] | undefined;
  /** Part of the name, any case. */
  search?: string | undefined;
  /** A page of at most this many, then nextCursor; the whole list without it. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Where a page of images ends: the public catalog before the tenant's, then by name and id. */
const imageKey = (image: Image) => JSON.stringify([image.catalog === 'tenant', image.name, image.id]);

function imageCursor(cursor: string | undefined): [boolean, string, string] | null {
  const after = decodeCursor(cursor);
  if (after === null) return null;
  let key: unknown;
  try {
    key = JSON.parse(after);
  } catch {
    key = null;
  }
  if (!Array.isArray(key) || key.length !== 3 || typeof key[0] !== 'boolean' || typeof key[1] !== 'string' || !/^[0-9a-f-]{36}$/i.test(String(key[2]))) {
    throw invalidInput('cursor is not one this server returned; pass the nextCursor of the previous page', { field: 'cursor' });
  }
  return key as [boolean, string, string];
}

/** The images a tenant may run in a region: the public catalog and its own private one; narrowed by name, ids or search, paged on request. */
export async function listImages(
  db: Queryable,
  regionId: string,
  tenantId: string,
  only: ImageFilter = {},
): Promise<{ items: Image[]; nextCursor: string | null }> {
  const after = imageCursor(only.cursor);
  const { rows } = await db.query<Image>(
    `${imageSelect} WHERE i.region_id = $1 AND (i.tenant_id IS NULL OR i.tenant_id = $2) AND ($3::text IS NULL OR i.name = $3)
       AND ($4::uuid[] IS NULL OR i.id = ANY($4::uuid[]))
       AND ($5::text IS NULL OR ${nameContains('i.name', '$5')})
       AND ($6::boolean IS NULL OR (i.tenant_id IS NOT NULL, i.name, i.id) > ($6::boolean, $7::text, $8::uuid))
     ORDER BY i.tenant_id IS NOT NULL, i.name, i.id
     LIMIT $9`,
    [regionId, tenantId, only.name ?? null, only.ids ?? null, only.search ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, only.limit === undefined ? null : only.limit + 1],
  );
  if (only.limit === undefined || rows.length <= only.limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, only.limit);
  return { items, nextCursor: encodeCursor(imageKey(items[items.length - 1]!)) };
}

export async function imageView(db: Queryable, id: string): Promise<Image> {
  const { rows } = await db.query<Image>(`${imageSelect} WHERE i.id = $1`, [id]);
  return rows[0]!;
}

export interface TenantImageRow {
  id: string;
  name: string;
  regionId: string;
  /** Null while a capture is pending or after it failed: nothing of it in the cloud to remove. */
  nativeId: string | null;
  state: string;
}

/** An image of the tenant's private catalog (public images cannot be deleted by tenants). */
export async function tenantImageRow(db: Queryable, tenantId: string, id: string): Promise<TenantImageRow> {
  const { rows } = await db.query<TenantImageRow>(
    'SELECT id, name, region_id AS "regionId", native_id AS "nativeId", state FROM images WHERE id = $1 AND tenant_id = $2',
    [id, tenantId],
  );
  if (!rows[0]) throw notFound('image', id, "only images of the tenant's own catalog can be deleted");
  return rows[0];
}
