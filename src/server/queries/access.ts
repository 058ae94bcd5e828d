import { isDefaultGroup, defaultGroups } from '../../domain/access/permission-groups.js';
import { builtInRoles, isBuiltInRole } from '../../domain/access/roles.js';
import type { MappingLevel } from '../../protocol/access.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import { NO_ID, NO_ROLE } from '../projections/access.js';

export interface PermissionGroupView {
  name: string;
  builtIn: boolean;
  description: string;
  actions: string[];
}

export interface RoleView {
  name: string;
  builtIn: boolean;
  description: string;
  groups: string[];
}

const defaultGroupDescriptions: Record<string, string> = {
  Full_Access: 'Everything: create, manage, read and remove resources, billing and permissions',
  Read_Only: 'Read everything, change nothing',
  Resources_Management: 'Instances, volumes, images, keys and tags (not billing)',
  Resources_Management_ReadOnly: 'Read instances, volumes, images, keys and tags',
  Billing: 'Billing reports, prices and quotas',
  Billing_ReadOnly: 'Read billing reports, prices and quotas',
  Manage_Cloud: "The customer's organisation and permissions management",
  Manage_Cloud_ReadOnly: "Read the customer's organisation and permissions",
  Basic: 'Status, my tenants, my permissions, notifications',
};

export async function permissionGroups(db: Queryable, customerId: string | null, name?: string): Promise<PermissionGroupView[]> {
  const defaults = Object.entries(defaultGroups).map(([group, actions]) => ({
    name: group,
    builtIn: true,
    description: defaultGroupDescriptions[group] ?? '',
    actions: [...actions],
  }));
  const { rows } = customerId
    ? await db.query<PermissionGroupView>(
        `SELECT name, false AS "builtIn", description, actions FROM permission_groups WHERE customer_id = $1 ORDER BY name`,
        [customerId],
      )
    : { rows: [] as PermissionGroupView[] };
  return [...defaults, ...rows].filter((group) => name === undefined || group.name === name);
}

export async function groupExists(db: Queryable, customerId: string, name: string): Promise<boolean> {
  if (isDefaultGroup(name)) return true;
  const { rows } = await db.query('SELECT 1 FROM permission_groups WHERE customer_id = $1 AND name = $2', [customerId, name]);
  return rows.length > 0;
}

export async function roles(db: Queryable, customerId: string | null, name?: string): Promise<RoleView[]> {
  const builtIn = Object.entries(builtInRoles).map(([role, spec]) => ({
    name: role,
    builtIn: true,
    description: spec.description,
    groups: [...spec.groups],
  }));
  const { rows } = customerId
    ? await db.query<RoleView>(`SELECT name, false AS "builtIn", description, groups FROM roles WHERE customer_id = $1 ORDER BY name`, [
        customerId,
      ])
    : { rows: [] as RoleView[] };
  return [...builtIn, ...rows].filter((role) => name === undefined || role.name === name);
}

export async function roleExists(db: Queryable, customerId: string, name: string): Promise<boolean> {
  if (isBuiltInRole(name)) return true;
  const { rows } = await db.query('SELECT 1 FROM roles WHERE customer_id = $1 AND name = $2', [customerId, name]);
  return rows.length > 0;
}

export async function requireRole(db: Queryable, customerId: string, name: string): Promise<void> {
  if (!(await roleExists(db, customerId, name))) {
    throw notFound('role', name, 'roles are admin, user, billing, readonly or a custom role (`maestro roles describe`)');
  }
}

/** Who holds a role, and which mappings name a role or group: what stops deleting it. */
export async function roleHolders(db: Queryable, customerId: string, role: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT u.name FROM user_roles ur JOIN tenants t ON t.id = ur.tenant_id JOIN users u ON u.id = ur.user_id
      WHERE t.customer_id = $1 AND ur.role = $2
     UNION SELECT u.name FROM customer_roles cr JOIN users u ON u.id = cr.user_id WHERE cr.customer_id = $1 AND cr.role = $2
     ORDER BY 1 LIMIT 10`,
    [customerId, role],
  );
  return rows.map((row) => row.name);
}

export async function groupUsers(db: Queryable, customerId: string, group: string): Promise<string[]> {
  const { rows } = await db.query<{ what: string }>(
    `SELECT 'role ' || name AS what FROM roles WHERE customer_id = $1 AND $2 = ANY(groups)
     UNION ALL SELECT level || ' mapping' FROM permission_mappings WHERE customer_id = $1 AND $2 = ANY(groups)
     LIMIT 10`,
    [customerId, group],
  );
  return rows.map((row) => row.what);
}

export interface MappingView {
  level: MappingLevel;
  customer: string;
  tenant: string | null;
  role: string | null;
  user: string | null;
  groups: string[];
  updatedAt: string;
}

export interface MappingKey {
  customerId: string;
  level: MappingLevel;
  tenantId: string | null;
  role: string | null;
  userId: string | null;
}

const mappingSelect = `SELECT m.level, c.name AS customer, t.name AS tenant, NULLIF(m.role, '') AS role, u.name AS "user",
  m.groups, m.updated_at AS "updatedAt"
  FROM permission_mappings m JOIN customers c ON c.id = m.customer_id
  LEFT JOIN tenants t ON t.id = m.tenant_id LEFT JOIN users u ON u.id = m.user_id`;

export async function mappings(db: Queryable, query: { customerId: string | null; tenantId: string | null }): Promise<MappingView[]> {
  const { rows } = await db.query<MappingView>(
    `${mappingSelect} WHERE ($1::uuid IS NULL OR m.customer_id = $1) AND ($2::uuid IS NULL OR m.tenant_id = $2)
     ORDER BY c.name, array_position(ARRAY['customer','tenant','role','user'], m.level), t.name, m.role, u.name`,
    [query.customerId, query.tenantId],
  );
  return rows;
}

export async function mapping(db: Queryable, key: MappingKey): Promise<MappingView | null> {
  const { rows } = await db.query<MappingView>(
    `${mappingSelect} WHERE m.customer_id = $1 AND m.level = $2 AND m.tenant_id = $3 AND m.role = $4 AND m.user_id = $5`,
    [key.customerId, key.level, key.tenantId ?? NO_ID, key.role ?? NO_ROLE, key.userId ?? NO_ID],
  );
  return rows[0] ?? null;
}
