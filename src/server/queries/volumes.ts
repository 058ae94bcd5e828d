import type { Volume } from '../../protocol/commands/compute-schemas.js';
import type { VolumeState } from '../../protocol/compute.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';

/** A volume as handlers need it: ids, state, where it lives and what it is attached to. */
export interface VolumeRow {
  id: string;
  tenantId: string;
  regionId: string;
  /** Null while a creation through an agent is pending, and after it failed: nothing in the cloud yet. */
  nativeId: string | null;
  name: string;
  state: VolumeState;
  instanceId: string | null;
  tags: Record<string, string>;
}

const volumeRowSelect = `SELECT id, tenant_id AS "tenantId", region_id AS "regionId", native_id AS "nativeId", name, state,
  instance_id AS "instanceId", tags FROM volumes`;

/**
 * The tenant's volume of that id, or null (another tenant's volume is null too). `forUpdate`
 * locks the row until the command's transaction ends, so two calls changing the same volume
 * (two attaches, an attach and a delete) take turns and the second sees what the first did.
 */
export async function findVolume(db: Queryable, tenantId: string, id: string, forUpdate = false): Promise<VolumeRow | null> {
  const { rows } = await db.query<VolumeRow>(`${volumeRowSelect} WHERE id = $1 AND tenant_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
    id,
    tenantId,
  ]);
  return rows[0] ?? null;
}

export async function volumeRow(db: Queryable, tenantId: string, id: string, forUpdate = false): Promise<VolumeRow> {
  const row = await findVolume(db, tenantId, id, forUpdate);
  // Another tenant's volume is reported as missing: ids of others are not to be probed.
  if (!row) throw notFound('volume', id, 'list volumes with `maestro volumes describe`');
  return row;
}

const volumeSelect = `SELECT v.id, v.name, t.name AS tenant, r.name AS region, v.native_id AS "nativeId", v.size_gb AS "sizeGb",
  v.state, v.state_reason AS "stateReason", v.instance_id AS "instanceId", u.name AS owner, v.tags, v.created_at AS "createdAt", v.updated_at AS "updatedAt"
  FROM volumes v
  JOIN tenants t ON t.id = v.tenant_id
  JOIN regions r ON r.id = v.region_id
  LEFT JOIN users u ON u.id = v.owner_id`;

export async function volumeView(db: Queryable, id: string): Promise<Volume> {
  const { rows } = await db.query<Volume>(`${volumeSelect} WHERE v.id = $1`, [id]);
  if (!rows[0]) throw notFound('volume', id);
  return rows[0];
}

export interface VolumeFilter extends PageRequest {
  tenantId: string;
  regionId?: string | undefined;
  instanceId?: string | undefined;
  ids?: readonly string[] | undefined;
}

/** A tenant's volumes in id order (ids are time-ordered UUIDv7, so oldest first). */
export async function listVolumes(db: Queryable, filter: VolumeFilter): Promise<Page<Volume>> {
  const where = ['v.tenant_id = $1'];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.regionId !== undefined) add((p) => `v.region_id = ${p}`, filter.regionId);
  if (filter.instanceId !== undefined) add((p) => `v.instance_id = ${p}::uuid`, filter.instanceId);
  if (filter.ids !== undefined) add((p) => `v.id = ANY(${p}::uuid[])`, filter.ids);
  const after = decodeUuidCursor(filter.cursor);
  if (after !== null) add((p) => `v.id > ${p}::uuid`, after);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Volume>(`${volumeSelect} WHERE ${where.join(' AND ')} ORDER BY v.id LIMIT $${params.length}`, params);
  return pageOf(rows, filter.limit, (v) => v.id);
}
