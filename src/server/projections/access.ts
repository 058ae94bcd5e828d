import * as events from '../../protocol/events/access.js';
import * as organisation from '../../protocol/events/organisation.js';
import type { EventDefinition } from '../../protocol/events.js';
import { entityProjection } from '../../store/projection.js';

/** The stand-ins for "none" in a mapping's key (a primary key cannot hold nulls). */
export const NO_ID = '00000000-0000-0000-0000-000000000000';
export const NO_ROLE = '';

interface GroupRow {
  customerId: string;
  name: string;
  description: string;
  actions: string[];
  updatedAt: string;
}

const permissionGroups = entityProjection<GroupRow>({
  name: 'permission_groups',
  table: { table: 'permission_groups', columns: ['customerId', 'name', 'description', 'actions', 'updatedAt'], key: ['customerId', 'name'] },
  reducers: (on) => [
    on.set(events.permissionGroupSaved, (d) => ({ customerId: d.customerId, name: d.name }), (d, e) => ({ ...d, updatedAt: e.time })),
    on.remove(events.permissionGroupDeleted, (d) => ({ customerId: d.customerId, name: d.name })),
  ],
});

interface RoleRow {
  customerId: string;
  name: string;
  description: string;
  groups: string[];
  updatedAt: string;
}

const roles = entityProjection<RoleRow>({
  name: 'roles',
  table: { table: 'roles', columns: ['customerId', 'name', 'description', 'groups', 'updatedAt'], key: ['customerId', 'name'] },
  reducers: (on) => [
    on.set(events.roleSaved, (d) => ({ customerId: d.customerId, name: d.name }), (d, e) => ({ ...d, updatedAt: e.time })),
    on.remove(events.roleDeleted, (d) => ({ customerId: d.customerId, name: d.name })),
  ],
});

interface MappingRow {
  customerId: string;
  level: string;
  tenantId: string;
  role: string;
  userId: string;
  groups: string[];
  /** Who last set it (the initiator's id): a mapping grants its own author nothing. */
  setBy: string;
  updatedAt: string;
}

const mappingKey = (d: { customerId: string; level: string; tenantId: string | null; role: string | null; userId: string | null }) => ({
  customerId: d.customerId,
  level: d.level,
  tenantId: d.tenantId ?? NO_ID,
  role: d.role ?? NO_ROLE,
  userId: d.userId ?? NO_ID,
});

const permissionMappings = entityProjection<MappingRow>({
  name: 'permission_mappings',
  table: {
    table: 'permission_mappings',
    columns: ['customerId', 'level', 'tenantId', 'role', 'userId', 'groups', 'setBy', 'updatedAt'],
    key: ['customerId', 'level', 'tenantId', 'role', 'userId'],
  },
  reducers: (on) => [
    on.set(events.mappingSet, mappingKey, (d, e) => ({ ...mappingKey(d), groups: d.groups, setBy: e.initiator.id, updatedAt: e.time })),
    on.remove(events.mappingRemoved, mappingKey),
  ],
});

interface BlockedRoleRow {
  tenantId: string;
  role: string;
  customerId: string;
  blockedAt: string;
}

const blockedRoles = entityProjection<BlockedRoleRow>({
  name: 'blocked_roles',
  table: { table: 'blocked_roles', columns: ['tenantId', 'role', 'customerId', 'blockedAt'], key: ['tenantId', 'role'] },
  reducers: (on) => [
    on.set(events.roleBlocked, (d) => ({ tenantId: d.tenantId, role: d.role }), (d, e) => ({ ...d, blockedAt: e.time })),
    on.remove(events.roleUnblocked, (d) => ({ tenantId: d.tenantId, role: d.role })),
  ],
});

interface CustomerRoleRow {
  userId: string;
  customerId: string;
  role: string;
  grantedAt: string;
}

const customerRoles = entityProjection<CustomerRoleRow>({
  name: 'customer_roles',
  table: { table: 'customer_roles', columns: ['userId', 'customerId', 'role', 'grantedAt'], key: ['userId'] },
  reducers: (on) => [
    on.set(events.customerRoleGranted, (d) => ({ userId: d.userId }), (d, e) => ({ ...d, grantedAt: e.time })),
    on.remove(events.customerRoleRevoked, (d) => ({ userId: d.userId })),
  ],
});

interface LicenseRow {
  customerId: string;
  edition: string;
  endsAt: string | null;
  graceDays: number;
  suspended: boolean;
  toggles: Record<string, boolean>;
  updatedAt: string;
}

const licenses = entityProjection<LicenseRow>({
  name: 'licenses',
  table: {
    table: 'licenses',
    columns: ['customerId', 'edition', 'endsAt', 'graceDays', 'suspended', 'toggles', 'updatedAt'],
    key: ['customerId'],
  },
  reducers: (on) => [
    // Setting the subscription keeps the feature toggles.
    on(events.licenseSet, (d) => ({ customerId: d.customerId }), (row, d, e) => ({ ...d, toggles: row?.toggles ?? {}, updatedAt: e.time })),
    on(events.featureToggled, (d) => ({ customerId: d.customerId }), (row, d, e) => {
      if (!row) return undefined;
      const { [d.feature]: _old, ...toggles } = row.toggles;
      return { ...row, toggles: d.enabled === null ? toggles : { ...toggles, [d.feature]: d.enabled }, updatedAt: e.time };
    }),
  ],
});

/** Every event that can change what a user may do; each one moves the access version. */
export const accessEvents: readonly EventDefinition[] = [
  ...Object.values(events),
  organisation.userRoleGranted,
  organisation.userRoleRevoked,
  organisation.userUpdated,
];

const accessVersion = entityProjection<{ id: number; seq: number }>({
  name: 'access_version',
  table: { table: 'access_version', columns: ['id', 'seq'], key: ['id'] },
  reducers: (on) => accessEvents.map((event) => on.set(event, () => ({ id: 1 }), (_d, e) => ({ id: 1, seq: e.seq }))),
});

export const accessProjections = [permissionGroups, roles, permissionMappings, blockedRoles, customerRoles, licenses, accessVersion];
