import type { Queryable } from '../../store/database.js';

/**
 * What notifications show besides their event's own data (an instance's name, a tenant's name
 * and contacts, an approval's command), read once per batch of events, whatever its size.
 */

export interface InstanceFacts {
  id: string;
  name: string;
  region: string;
  ownerId: string | null;
}

export interface TenantFacts {
  id: string;
  name: string;
  customerId: string;
  contacts: string[];
}

export interface ApprovalFacts {
  id: string;
  command: string;
}

export interface Needs {
  instances?: readonly string[];
  tenants?: readonly string[];
  approvals?: readonly string[];
}

export interface Facts {
  instance(id: string): InstanceFacts | undefined;
  tenant(id: string | null): TenantFacts | undefined;
  approval(id: string): ApprovalFacts | undefined;
}

const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
const distinct = (needs: readonly Needs[], of: keyof Needs) => [...new Set(needs.flatMap((n) => n[of] ?? []))];

async function rowsOf<T>(db: Queryable, ids: string[], sql: string): Promise<T[]> {
  if (ids.length === 0) return [];
  return (await db.query<T>(sql, [ids])).rows;
}

export async function loadFacts(db: Queryable, needs: readonly Needs[]): Promise<Facts> {
  const instances = byId(
    await rowsOf<InstanceFacts>(
      db,
      distinct(needs, 'instances'),
      `SELECT i.id, i.name, r.name AS region, i.owner_id AS "ownerId"
         FROM instances i JOIN regions r ON r.id = i.region_id WHERE i.id = ANY($1::uuid[])`,
    ),
  );
  const tenants = byId(
    await rowsOf<TenantFacts>(db, distinct(needs, 'tenants'), `SELECT id, name, customer_id AS "customerId", contacts FROM tenants WHERE id = ANY($1::uuid[])`),
  );
  const approvals = byId(await rowsOf<ApprovalFacts>(db, distinct(needs, 'approvals'), 'SELECT id, command FROM approvals WHERE id = ANY($1::uuid[])'));
  return {
    instance: (id) => instances.get(id),
    tenant: (id) => (id === null ? undefined : tenants.get(id)),
    approval: (id) => approvals.get(id),
  };
}
