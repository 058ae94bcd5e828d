import type { TimeLimit } from '../../domain/time-limits.js';
import type { Instance } from '../../protocol/commands/compute-schemas.js';
import type { InstanceState } from '../../protocol/compute.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';
import { nameContains } from './name-search.js';

/** An instance as handlers need it: ids, state, where it runs. */
export interface InstanceRow {
  id: string;
  tenantId: string;
  regionId: string;
  nativeId: string;
  name: string;
  state: InstanceState;
  terminationProtection: boolean;
  tags: Record<string, string>;
  stopAfter: string | null;
  terminateAfter: string | null;
  shape: string | null;
  cpu: number;
  ramMb: number;
  diskGb: number;
  /** While a resize through an agent runs, the size it moves to. */
  resizingTo: { shape: string | null; cpu: number; ramMb: number; diskGb: number } | null;
}

// Any constant; it only has to be the same on every node.
const INSTANCE_ACTION_LOCK = 7_316_003;

/**
 * Serialises actions on one instance until the transaction ends, across nodes: the second of two
 * concurrent stops then reads the state the first left. An advisory lock, not a row lock, so the
 * state sync (which updates the row after taking the event log's head) can never deadlock with it.
 */
export async function lockInstance(tx: Queryable, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [INSTANCE_ACTION_LOCK, id]);
}

export async function instanceRow(db: Queryable, tenantId: string, id: string): Promise<InstanceRow> {
  const { rows } = await db.query<InstanceRow>(
    `SELECT id, tenant_id AS "tenantId", region_id AS "regionId", native_id AS "nativeId", name, state,
            termination_protection AS "terminationProtection", tags, stop_after AS "stopAfter", terminate_after AS "terminateAfter",
            shape, cpu, ram_mb AS "ramMb", disk_gb AS "diskGb", resizing_to AS "resizingTo"
       FROM instances WHERE id = $1 AND tenant_id = $2`,
    [id, tenantId],
  );
  // Another tenant's instance is reported as missing: ids of others are not to be probed.
  if (!rows[0]) throw notFound('instance', id, 'list instances with `maestro instances describe`');
  return rows[0];
}

const instanceSelect = `SELECT i.id, i.name, t.name AS tenant, r.name AS region, r.cloud, i.native_id AS "nativeId", i.state,
  i.state_reason AS "stateReason", i.shape, i.cpu, round(i.ram_mb / 1024.0, 3)::float8 AS "ramGb", i.disk_gb AS "diskGb",
  CASE WHEN i.resizing_to IS NOT NULL THEN json_build_object('shape', i.resizing_to->'shape', 'cpu', (i.resizing_to->>'cpu')::int,
    'ramGb', round((i.resizing_to->>'ramMb')::numeric / 1024, 3)::float8, 'diskGb', (i.resizing_to->>'diskGb')::int) END AS "resizingTo",
  img.name AS image, i.key_name AS "keyName",
  (SELECT json_build_object('address', p.address, 'privateAddress', p.private_address) FROM public_ips p WHERE p.instance_id = i.id LIMIT 1) AS "publicIp",
  u.name AS owner, i.managed, i.termination_protection AS "terminationProtection",
  i.tags, i.stop_after AS "stopAfter", i.terminate_after AS "terminateAfter", i.launched_at AS "launchedAt", i.updated_at AS "updatedAt"
  FROM instances i
  JOIN tenants t ON t.id = i.tenant_id
  JOIN regions r ON r.id = i.region_id
  LEFT JOIN images img ON img.id = i.image_id
  LEFT JOIN users u ON u.id = i.owner_id`;

export async function instanceViews(db: Queryable, ids: readonly string[]): Promise<Instance[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Instance>(`${instanceSelect} WHERE i.id = ANY($1::uuid[]) ORDER BY i.id`, [ids]);
  return rows;
}

export async function instanceView(db: Queryable, id: string): Promise<Instance> {
  return (await instanceViews(db, [id]))[0]!;
}

export interface InstanceFilter extends PageRequest {
  tenantId: string;
  regionId?: string | undefined;
  ids?: readonly string[] | undefined;
  name?: string | undefined;
  /** Part of the name, any case: scans the tenant's instances (in the region) in id order until a page is full. */
  search?: string | undefined;
  state?: InstanceState | undefined;
  owner?: string | undefined;
  managed?: boolean | undefined;
  tag?: { key: string; value?: string | undefined; caseInsensitive: boolean } | undefined;
}

/**
 * Lists a tenant's instances, newest id last (ids are time-ordered UUIDv7). A tag filter with a
 * value uses the GIN indexes on `tags` (clouds with exact tag names) or `tags_folded` (the others);
 * a filter on a key alone uses `instances_tag_keys`.
 */
export async function listInstances(db: Queryable, filter: InstanceFilter): Promise<Page<Instance>> {
  const where = ['i.tenant_id = $1'];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.regionId) add((p) => `i.region_id = ${p}`, filter.regionId);
  if (filter.ids) add((p) => `i.id = ANY(${p}::uuid[])`, filter.ids);
  if (filter.name !== undefined) add((p) => `i.name = ${p}`, filter.name);
  if (filter.search !== undefined) add((p) => nameContains('i.name', p), filter.search);
  if (filter.state) add((p) => `i.state = ${p}`, filter.state);
  if (filter.owner !== undefined) add((p) => `u.name = ${p}`, filter.owner);
  if (filter.managed !== undefined) add((p) => `i.managed = ${p}`, filter.managed);
  if (filter.tag) {
    const { key, value, caseInsensitive } = filter.tag;
    const column = caseInsensitive ? 'i.tags_folded' : 'i.tags';
    const fold = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
    if (value !== undefined) {
      add((p) => `${column} @> ${p}::jsonb`, JSON.stringify({ [fold(key)]: fold(value) }));
    } else {
      // Only the jsonb_ops index on tags_folded serves `?` (see 0003-compute-indexes): an exact
      // key exists only if its lower-cased form does, so that narrows first.
      add((p) => `i.tags_folded ? ${p}`, key.toLowerCase());
      if (!caseInsensitive) add((p) => `i.tags ? ${p}`, key);
    }
  }
  const after = decodeUuidCursor(filter.cursor);
  if (after !== null) add((p) => `i.id > ${p}::uuid`, after);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Instance>(`${instanceSelect} WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT $${params.length}`, params);
  return pageOf(rows, filter.limit, (i) => i.id);
}

export interface DueTimeLimit {
  id: string;
  name: string;
  tenant: string;
  limit: TimeLimit;
  at: string;
  state: InstanceState;
  terminationProtection: boolean;
}

/**
 * The stopAfter and terminateAfter limits that have passed at `now`, oldest first, of instances
 * that are not (being) terminated already: for those nothing is left to do.
 */
export async function dueTimeLimits(db: Queryable, now: Date): Promise<DueTimeLimit[]> {
  const select = (limit: TimeLimit, column: string) =>
    `SELECT i.id, i.name, t.name AS tenant, '${limit}' AS "limit", i.${column} AS "at", i.state,
            i.termination_protection AS "terminationProtection"
       FROM instances i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.${column} <= $1 AND i.state NOT IN ('terminated', 'shutting-down')`;
  const { rows } = await db.query<DueTimeLimit>(
    `${select('stopAfter', 'stop_after')} UNION ALL ${select('terminateAfter', 'terminate_after')} ORDER BY "at", id`,
    [now.toISOString()],
  );
  return rows;
}
