import type { AccessKey, Customer, Region, Tenant, TenantGroup, User } from '../../protocol/commands/organisation-schemas.js';
import { clientCloudOf, type CloudKind } from '../../protocol/clouds.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import { nameContains } from './name-search.js';
import { decodeCursor, pageOf } from './paging.js';

/**
 * Reads of the organisation projections. `…Row` functions return the internal row a handler
 * needs (ids included) and fail with not_found; `…View` and `list…` return the API shapes.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

interface Filter {
  where: string[];
  params: unknown[];
}

const filter = (): Filter => ({ where: [], params: [] });

function add(f: Filter, clause: (placeholder: string) => string, value: unknown): void {
  f.params.push(value);
  f.where.push(clause(`$${f.params.length}`));
}

async function listPage<T>(
  db: Queryable,
  select: string,
  f: Filter,
  sortColumn: string,
  keyOf: (item: T) => string,
  request: PageRequest,
): Promise<Page<T>> {
  const after = decodeCursor(request.cursor);
  if (after !== null) add(f, (p) => `${sortColumn} > ${p}`, after);
  f.params.push(request.limit + 1);
  const where = f.where.length > 0 ? `WHERE ${f.where.join(' AND ')}` : '';
  const { rows } = await db.query<T>(`${select} ${where} ORDER BY ${sortColumn} LIMIT $${f.params.length}`, f.params);
  return pageOf(rows, request.limit, keyOf);
}

// Customers

export interface CustomerRow {
  id: string;
  name: string;
  status: 'active' | 'inactive';
}

export async function customerRow(db: Queryable, name: string): Promise<CustomerRow> {
  const { rows } = await db.query<CustomerRow>('SELECT id, name, status FROM customers WHERE name = $1', [name]);
  if (!rows[0]) throw notFound('customer', name, 'list customers with `maestro admin customer describe`');
  return rows[0];
}

export async function customerNameOf(db: Queryable, id: string): Promise<string> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM customers WHERE id = $1', [id]);
  if (!rows[0]) throw notFound('customer', id);
  return rows[0].name;
}

const customerSelect = `SELECT c.id, c.name, c.display_name AS "displayName", c.status,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt" FROM customers c`;

export async function customerView(db: Queryable, id: string): Promise<Customer> {
  const { rows } = await db.query<Customer>(`${customerSelect} WHERE c.id = $1`, [id]);
  return rows[0]!;
}

export async function listCustomers(
  db: Queryable,
  query: { name?: string | undefined; search?: string | undefined; customerId?: string | null } & PageRequest,
): Promise<Page<Customer>> {
  const f = filter();
  if (query.name !== undefined) add(f, (p) => `c.name = ${p}`, query.name);
  if (query.search !== undefined) add(f, (p) => `(${nameContains('c.name', p)} OR ${nameContains('c.display_name', p)})`, query.search);
  if (query.customerId) add(f, (p) => `c.id = ${p}`, query.customerId);
  return listPage<Customer>(db, customerSelect, f, 'c.name', (c) => c.name, query);
}

// Tenant groups

export interface TenantGroupRow {
  id: string;
  customerId: string;
  name: string;
}

export async function tenantGroupRow(db: Queryable, customerId: string, name: string): Promise<TenantGroupRow> {
  const { rows } = await db.query<TenantGroupRow>(
    'SELECT id, customer_id AS "customerId", name FROM tenant_groups WHERE customer_id = $1 AND name = $2',
    [customerId, name],
  );
  if (!rows[0]) throw notFound('tenant group', name);
  return rows[0];
}

const tenantGroupSelect = `SELECT g.id, c.name AS customer, g.name, g.description, g.created_at AS "createdAt"
  FROM tenant_groups g JOIN customers c ON c.id = g.customer_id`;

export async function tenantGroupView(db: Queryable, id: string): Promise<TenantGroup> {
  const { rows } = await db.query<TenantGroup>(`${tenantGroupSelect} WHERE g.id = $1`, [id]);
  return rows[0]!;
}

export async function listTenantGroups(
  db: Queryable,
  query: { customer?: string | undefined; search?: string | undefined; customerId?: string | null } & PageRequest,
): Promise<Page<TenantGroup>> {
  const f = filter();
  if (query.search !== undefined) add(f, (p) => nameContains('g.name', p), query.search);
  if (query.customer !== undefined) add(f, (p) => `c.name = ${p}`, query.customer);
  if (query.customerId) add(f, (p) => `c.id = ${p}`, query.customerId);
  return listPage<TenantGroup>(
    db,
    tenantGroupSelect,
    f,
    `(c.name || '/' || g.name)`,
    (g) => `${g.customer}/${g.name}`,
    query,
  );
}

// Tenants

export interface TenantRow {
  id: string;
  customerId: string;
  name: string;
  status: 'active' | 'inactive';
}

/** The answer for a tenant that does not exist, and for one a caller may not see (so names cannot be probed). */
export const tenantNotFound = (name: string) => notFound('tenant', name, 'list the tenants you can see with `maestro tenants describe`');

export async function tenantRow(db: Queryable, name: string): Promise<TenantRow> {
  const { rows } = await db.query<TenantRow>(
    'SELECT id, customer_id AS "customerId", name, status FROM tenants WHERE name = $1',
    [name],
  );
  if (!rows[0]) throw tenantNotFound(name);
  return rows[0];
}

// One table: the read model carries the names its page shows (migration 0015).
const tenantSelect = `SELECT t.id, t.name, t.display_name AS "displayName", t.description, t.customer_name AS customer,
  t.group_name AS "group", t.status, t.contacts, t.regions, t.created_at AS "createdAt", t.updated_at AS "updatedAt"
  FROM tenants t`;

export async function tenantView(db: Queryable, id: string): Promise<Tenant> {
  const { rows } = await db.query<Tenant>(`${tenantSelect} WHERE t.id = $1`, [id]);
  return rows[0]!;
}

export async function listTenants(
  db: Queryable,
  query: { name?: string | undefined; customer?: string | undefined; search?: string | undefined; tenantIds?: readonly string[] | null } & PageRequest,
): Promise<Page<Tenant>> {
  const f = filter();
  if (query.name !== undefined) add(f, (p) => `t.name = ${p}`, query.name);
  if (query.search !== undefined) add(f, (p) => `(${nameContains('t.name', p)} OR ${nameContains('t.display_name', p)})`, query.search);
  if (query.customer !== undefined) add(f, (p) => `t.customer_name = ${p}`, query.customer);
  if (query.tenantIds) add(f, (p) => `t.id = ANY(${p}::uuid[])`, query.tenantIds);
  return listPage<Tenant>(db, tenantSelect, f, 't.name', (t) => t.name, query);
}

// Regions

export interface RegionRow {
  id: string;
  name: string;
  cloud: CloudKind;
}

export async function regionRow(db: Queryable, name: string): Promise<RegionRow> {
  const { rows } = await db.query<RegionRow>('SELECT id, name, cloud FROM regions WHERE name = $1', [name]);
  if (!rows[0]) throw notFound('region', name, 'list regions with `maestro regions describe`');
  return rows[0];
}

const regionSelect = `SELECT r.id, r.name, r.cloud, r.kind, r.native_name AS "nativeName", r.status, r.description,
  (SELECT a.name FROM agents a WHERE a.id = r.agent_id) AS agent, r.imitates, r.created_at AS "createdAt", r.updated_at AS "updatedAt" FROM regions r`;

const withClientCloud = (row: Omit<Region, 'clientCloud'>): Region => ({ ...row, clientCloud: clientCloudOf(row) });

export async function regionView(db: Queryable, id: string): Promise<Region> {
  const { rows } = await db.query<Omit<Region, 'clientCloud'>>(`${regionSelect} WHERE r.id = $1`, [id]);
  return withClientCloud(rows[0]!);
}

export async function listRegions(
  db: Queryable,
  query: { name?: string | undefined; cloud?: string | undefined; search?: string | undefined; tenantIds?: readonly string[] | null } & PageRequest,
): Promise<Page<Region>> {
  const f = filter();
  if (query.name !== undefined) add(f, (p) => `r.name = ${p}`, query.name);
  if (query.search !== undefined) add(f, (p) => nameContains('r.name', p), query.search);
  if (query.cloud !== undefined) add(f, (p) => `r.cloud = ${p}`, query.cloud);
  if (query.tenantIds) {
    add(f, (p) => `EXISTS (SELECT 1 FROM tenant_regions tr WHERE tr.region_id = r.id AND tr.tenant_id = ANY(${p}::uuid[]))`, query.tenantIds);
  }
  const page = await listPage<Omit<Region, 'clientCloud'>>(db, regionSelect, f, 'r.name', (r) => r.name, query);
  return { ...page, items: page.items.map(withClientCloud) };
}

// Users

export interface UserRow {
  id: string;
  name: string;
  customerId: string | null;
  systemAdmin: boolean;
  status: 'active' | 'disabled';
}

export async function userRow(db: Queryable, name: string): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `SELECT id, name, customer_id AS "customerId", system_admin AS "systemAdmin", status FROM users WHERE name = $1`,
    [name],
  );
  if (!rows[0]) throw notFound('user', name);
  return rows[0];
}

const userSelect = `SELECT u.id, u.name, u.display_name AS "displayName", u.email, c.name AS customer,
  u.system_admin AS "systemAdmin", u.status, (u.password_hash IS NOT NULL) AS "hasPassword",
  COALESCE((SELECT jsonb_agg(jsonb_build_object('tenant', t.name, 'role', ur.role) ORDER BY t.name)
            FROM user_roles ur JOIN tenants t ON t.id = ur.tenant_id WHERE ur.user_id = u.id), '[]'::jsonb) AS roles,
  (SELECT cr.role FROM customer_roles cr WHERE cr.user_id = u.id) AS "customerRole",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"
  FROM users u LEFT JOIN customers c ON c.id = u.customer_id`;

export async function userView(db: Queryable, id: string): Promise<User> {
  const { rows } = await db.query<User>(`${userSelect} WHERE u.id = $1`, [id]);
  return rows[0]!;
}

export async function listUsers(
  db: Queryable,
  query: {
    name?: string | undefined;
    customer?: string | undefined;
    tenant?: string | undefined;
    search?: string | undefined;
    customerId?: string | null;
  } & PageRequest,
): Promise<Page<User>> {
  const f = filter();
  if (query.name !== undefined) add(f, (p) => `u.name = ${p}`, query.name);
  if (query.search !== undefined) add(f, (p) => `(${nameContains('u.name', p)} OR ${nameContains('u.display_name', p)})`, query.search);
  if (query.customer !== undefined) add(f, (p) => `c.name = ${p}`, query.customer);
  if (query.customerId) add(f, (p) => `u.customer_id = ${p}`, query.customerId);
  if (query.tenant !== undefined) {
    add(
      f,
      (p) => `EXISTS (SELECT 1 FROM user_roles ur JOIN tenants t ON t.id = ur.tenant_id WHERE ur.user_id = u.id AND t.name = ${p})`,
      query.tenant,
    );
  }
  return listPage<User>(db, userSelect, f, 'u.name', (u) => u.name, query);
}

// Access keys

const accessKeySelect = `SELECT k.access_key AS "accessKey", u.name AS user, k.description,
  k.created_at AS "createdAt", k.expires_at AS "expiresAt" FROM access_keys k JOIN users u ON u.id = k.user_id`;

export async function accessKeyView(db: Queryable, accessKey: string): Promise<AccessKey> {
  const { rows } = await db.query<AccessKey>(`${accessKeySelect} WHERE k.access_key = $1`, [accessKey]);
  return rows[0]!;
}

export async function accessKeyOwner(db: Queryable, accessKey: string): Promise<{ userId: string } | null> {
  const { rows } = await db.query<{ userId: string }>('SELECT user_id AS "userId" FROM access_keys WHERE access_key = $1', [
    accessKey,
  ]);
  return rows[0] ?? null;
}

export async function listAccessKeys(db: Queryable, query: { userId: string } & PageRequest): Promise<Page<AccessKey>> {
  const f = filter();
  add(f, (p) => `k.user_id = ${p}`, query.userId);
  return listPage<AccessKey>(db, accessKeySelect, f, 'k.access_key', (k) => k.accessKey, query);
}
