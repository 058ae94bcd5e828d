import type { Image } from '../../protocol/commands/compute-schemas.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';

const imageSelect = `SELECT i.id, i.name, r.name AS region, CASE WHEN i.tenant_id IS NULL THEN 'public' ELSE 'tenant' END AS catalog,
  t.name AS tenant, i.os, i.min_disk_gb AS "minDiskGb", COALESCE(i.description, '') AS description, i.state, i.state_reason AS "stateReason", i.native_id AS "nativeId", i.created_at AS "createdAt"
  FROM images i JOIN regions r ON r.id = i.region_id LEFT JOIN tenants t ON t.id = i.tenant_id`;

/** The images a tenant may run in a region: the public catalog and its own private one; narrowed by name or ids. */
export async function listImages(
  db: Queryable,
  regionId: string,
  tenantId: string,
  only: { name?: string | undefined; ids?: readonly string[] | undefined } = {},
): Promise<Image[]> {
  const { rows } = await db.query<Image>(
    `${imageSelect} WHERE i.region_id = $1 AND (i.tenant_id IS NULL OR i.tenant_id = $2) AND ($3::text IS NULL OR i.name = $3)
       AND ($4::uuid[] IS NULL OR i.id = ANY($4::uuid[]))
     ORDER BY i.tenant_id NULLS FIRST, i.name`,
    [regionId, tenantId, only.name ?? null, only.ids ?? null],
  );
  return rows;
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
