import * as events from '../../protocol/events/organisation.js';
import { entityProjection } from '../../store/projection.js';
import { updated } from './row-updates.js';

interface CustomerRow {
  id: string;
  name: string;
  displayName: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

const customers = entityProjection<CustomerRow>({
  name: 'customers',
  table: { table: 'customers', columns: ['id', 'name', 'displayName', 'status', 'createdAt', 'updatedAt'], key: ['id'] },
  reducers: (on) => [
    on.set(events.customerCreated, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      status: 'active',
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on(events.customerUpdated, (d) => ({ id: d.id }), (row, { id: _id, ...changes }, e) => updated(row, changes, e.time)),
  ],
});

interface TenantGroupRow {
  id: string;
  customerId: string;
  name: string;
  description: string;
  createdAt: string;
}

const tenantGroups = entityProjection<TenantGroupRow>({
  name: 'tenant_groups',
  table: { table: 'tenant_groups', columns: ['id', 'customerId', 'name', 'description', 'createdAt'], key: ['id'] },
  reducers: (on) => [
    on.set(events.tenantGroupCreated, (d) => ({ id: d.id }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.tenantGroupDeleted, (d) => ({ id: d.id })),
  ],
});

interface TenantRow {
  id: string;
  customerId: string;
  customerName: string;
  groupId: string | null;
  groupName: string | null;
  name: string;
  displayName: string;
  description: string;
  status: string;
  contacts: string[];
  /** The names of the regions it is active in, sorted: what its page shows, without a join. */
  regions: string[];
  createdAt: string;
  updatedAt: string;
}

const byName = (names: readonly string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const tenants = entityProjection<TenantRow>({
  name: 'tenants',
  table: {
    table: 'tenants',
    columns: [
      'id',
      'customerId',
      'customerName',
      'groupId',
      'groupName',
      'name',
      'displayName',
      'description',
      'status',
      'contacts',
      'regions',
      'createdAt',
      'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.tenantCreated, (d) => ({ id: d.id }), ({ customer, group, ...d }, e) => ({
      ...d,
      customerName: customer,
      groupName: group,
      status: 'active',
      regions: [],
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on(events.tenantUpdated, (d) => ({ id: d.id }), (row, { id: _id, group, ...changes }, e) =>
      updated(row, { ...changes, ...(group !== undefined ? { groupName: group } : {}) }, e.time),
    ),
    // The region's name is the event's region (its scope), as every region-scoped event has it.
    on(events.tenantRegionActivated, (d) => ({ id: d.tenantId }), (row, _d, { region }) =>
      row && region !== null ? { ...row, regions: byName([...row.regions.filter((name) => name !== region), region]) } : row,
    ),
    on(events.tenantRegionDeactivated, (d) => ({ id: d.tenantId }), (row, _d, { region }) =>
      row && { ...row, regions: row.regions.filter((name) => name !== region) },
    ),
  ],
});

interface TenantRegionRow {
  tenantId: string;
  regionId: string;
  activatedAt: string;
}

const tenantRegions = entityProjection<TenantRegionRow>({
  name: 'tenant_regions',
  table: { table: 'tenant_regions', columns: ['tenantId', 'regionId', 'activatedAt'], key: ['tenantId', 'regionId'] },
  reducers: (on) => [
    on.set(events.tenantRegionActivated, (d) => d, (d, e) => ({ ...d, activatedAt: e.time })),
    on.remove(events.tenantRegionDeactivated, (d) => d),
  ],
});

interface RegionRow {
  id: string;
  name: string;
  cloud: string;
  kind: string;
  nativeName: string;
  status: string;
  description: string;
  agentId: string | null;
  imitates: string | null;
  createdAt: string;
  updatedAt: string;
}

const regions = entityProjection<RegionRow>({
  name: 'regions',
  table: {
    table: 'regions',
    columns: ['id', 'name', 'cloud', 'kind', 'nativeName', 'status', 'description', 'agentId', 'imitates', 'createdAt', 'updatedAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.regionCreated, (d) => ({ id: d.id }), (d, e) => ({ ...d, agentId: d.agentId ?? null, imitates: d.imitates ?? null, createdAt: e.time, updatedAt: e.time })),
    on(events.regionUpdated, (d) => ({ id: d.id }), (row, { id: _id, ...changes }, e) => updated(row, changes, e.time)),
  ],
});

interface UserRow {
  id: string;
  name: string;
  displayName: string;
  email: string | null;
  customerId: string | null;
  systemAdmin: boolean;
  status: string;
  passwordHash: string | null;
  createdAt: string;
  updatedAt: string;
}

const users = entityProjection<UserRow>({
  name: 'users',
  table: {
    table: 'users',
    columns: ['id', 'name', 'displayName', 'email', 'customerId', 'systemAdmin', 'status', 'passwordHash', 'createdAt', 'updatedAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.userCreated, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      status: 'active',
      passwordHash: null,
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on(events.userUpdated, (d) => ({ id: d.id }), (row, { id: _id, ...changes }, e) => updated(row, changes, e.time)),
    on(events.userPasswordSet, (d) => ({ id: d.id }), (row, d, e) => updated(row, { passwordHash: d.passwordHash }, e.time)),
  ],
});

interface UserRoleRow {
  userId: string;
  tenantId: string;
  role: string;
  grantedAt: string;
}

const userRoles = entityProjection<UserRoleRow>({
  name: 'user_roles',
  table: { table: 'user_roles', columns: ['userId', 'tenantId', 'role', 'grantedAt'], key: ['userId', 'tenantId'] },
  reducers: (on) => [
    on.set(events.userRoleGranted, (d) => ({ userId: d.userId, tenantId: d.tenantId }), (d, e) => ({ ...d, grantedAt: e.time })),
    on.remove(events.userRoleRevoked, (d) => ({ userId: d.userId, tenantId: d.tenantId })),
  ],
});

interface AccessKeyRow {
  accessKey: string;
  userId: string;
  secretEncrypted: string;
  description: string;
  createdAt: string;
  expiresAt: string | null;
}

const accessKeys = entityProjection<AccessKeyRow>({
  name: 'access_keys',
  table: {
    table: 'access_keys',
    columns: ['accessKey', 'userId', 'secretEncrypted', 'description', 'createdAt', 'expiresAt'],
    key: ['accessKey'],
  },
  reducers: (on) => [
    on.set(events.keyCreated, (d) => ({ accessKey: d.accessKey }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.keyDeleted, (d) => ({ accessKey: d.accessKey })),
  ],
});

export const organisationProjections = [
  customers,
  tenantGroups,
  tenants,
  tenantRegions,
  regions,
  users,
  userRoles,
  accessKeys,
];
