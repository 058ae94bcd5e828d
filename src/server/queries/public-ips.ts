import type { PublicIp } from '../../protocol/commands/public-ips.js';
import { invalidInput, notFound } from '../../protocol/errors.js';
import { uuidPattern } from '../../protocol/ids.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';
import { nameContains } from './name-search.js';

/** A public IP as handlers need it. */
export interface PublicIpRow {
  id: string;
  tenantId: string;
  regionId: string;
  nativeId: string;
  address: string;
  instanceId: string | null;
}

const rowColumns = `p.id, p.tenant_id AS "tenantId", p.region_id AS "regionId", p.native_id AS "nativeId", p.address, p.instance_id AS "instanceId"`;

const hint = 'list them with `maestro public-ips describe`';

/**
 * The tenant's public IP named by its id or its address (in `region`, when given), locked until
 * the command's transaction ends so that two calls changing it take turns. Another tenant's
 * address is not found, as a missing one is.
 */
export async function publicIpByRef(db: Queryable, tenantId: string, ref: string, region: { id: string; name: string } | null): Promise<PublicIpRow> {
  const byId = uuidPattern.test(ref);
  const { rows } = await db.query<PublicIpRow & { region: string }>(
    `SELECT ${rowColumns}, r.name AS region FROM public_ips p JOIN regions r ON r.id = p.region_id
      WHERE p.tenant_id = $1 AND ${byId ? 'p.id = $2::uuid' : 'p.address = $2'} AND ($3::uuid IS NULL OR p.region_id = $3::uuid)
      ORDER BY r.name FOR UPDATE OF p`,
    [tenantId, ref, region?.id ?? null],
  );
  if (rows.length > 1) {
    throw invalidInput(`the tenant holds ${ref} in ${rows.length} regions (${rows.map((row) => row.region).join(', ')}); give the region too`, { field: 'region' });
  }
  const [row] = rows;
  if (!row) throw notFound('public IP', ref, region ? `the tenant holds no such public IP in region ${region.name}; ${hint}` : hint);
  const { region: _name, ...ip } = row;
  return ip;
}

/** The public IP associated with an instance, locked, if it has one. */
export async function publicIpOfInstance(db: Queryable, instanceId: string): Promise<PublicIpRow | null> {
  const { rows } = await db.query<PublicIpRow>(`SELECT ${rowColumns} FROM public_ips p WHERE p.instance_id = $1 FOR UPDATE`, [instanceId]);
  return rows[0] ?? null;
}

const viewSelect = `SELECT p.id, t.name AS tenant, r.name AS region, p.address, p.native_id AS "nativeId", p.network_native_id AS network,
  p.instance_id AS "instanceId", p.private_address AS "privateAddress", u.name AS owner, p.created_at AS "createdAt", p.updated_at AS "updatedAt"
  FROM public_ips p
  JOIN tenants t ON t.id = p.tenant_id
  JOIN regions r ON r.id = p.region_id
  LEFT JOIN users u ON u.id = p.owner_id`;

export async function publicIpView(db: Queryable, id: string): Promise<PublicIp> {
  const { rows } = await db.query<PublicIp>(`${viewSelect} WHERE p.id = $1`, [id]);
  if (!rows[0]) throw notFound('public IP', id);
  return rows[0];
}

export interface PublicIpFilter extends PageRequest {
  tenantId: string;
  regionId?: string | undefined;
  instanceId?: string | undefined;
  ids?: readonly string[] | undefined;
  /** Part of the address. */
  search?: string | undefined;
}

/** A tenant's public IPs in id order (oldest first). */
export async function listPublicIps(db: Queryable, filter: PublicIpFilter): Promise<Page<PublicIp>> {
  const where = ['p.tenant_id = $1'];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.regionId !== undefined) add((p) => `p.region_id = ${p}`, filter.regionId);
  if (filter.instanceId !== undefined) add((p) => `p.instance_id = ${p}::uuid`, filter.instanceId);
  if (filter.ids !== undefined) add((p) => `p.id = ANY(${p}::uuid[])`, filter.ids);
  if (filter.search !== undefined) add((p) => nameContains('p.address', p), filter.search);
  const after = decodeUuidCursor(filter.cursor);
  if (after !== null) add((p) => `p.id > ${p}::uuid`, after);
  params.push(filter.limit + 1);
  const { rows } = await db.query<PublicIp>(`${viewSelect} WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT $${params.length}`, params);
  return pageOf(rows, filter.limit, (ip) => ip.id);
}

/** How many public IPs a tenant holds: in a region, or (null) in all. */
export async function publicIpsHeld(db: Queryable, tenantId: string, regionId: string | null): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public_ips WHERE tenant_id = $1 AND ($2::uuid IS NULL OR region_id = $2::uuid)', [
    tenantId,
    regionId,
  ]);
  return rows[0]!.n;
}
