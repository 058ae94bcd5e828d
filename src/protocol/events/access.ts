import { z } from 'zod';
import { mappingLevels } from '../access.js';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';
import { editions } from '../features.js';

const id = z.string().uuid();
const names = z.array(z.string());

export const permissionGroupSaved = defineEvent('permissionGroup.saved', {
  action: 'update',
  target: targetTypes.permissionGroup,
  data: z.object({ customerId: id, name: z.string(), description: z.string(), actions: names }),
});

export const permissionGroupDeleted = defineEvent('permissionGroup.deleted', {
  action: 'delete',
  target: targetTypes.permissionGroup,
  data: z.object({ customerId: id, name: z.string() }),
});

export const roleSaved = defineEvent('role.saved', {
  action: 'update',
  target: targetTypes.role,
  data: z.object({ customerId: id, name: z.string(), description: z.string(), groups: names }),
});

export const roleDeleted = defineEvent('role.deleted', {
  action: 'delete',
  target: targetTypes.role,
  data: z.object({ customerId: id, name: z.string() }),
});

export const roleBlocked = defineEvent('role.blocked', {
  action: 'disable',
  target: targetTypes.role,
  data: z.object({ customerId: id, tenantId: id, role: z.string() }),
});

export const roleUnblocked = defineEvent('role.unblocked', {
  action: 'enable',
  target: targetTypes.role,
  data: z.object({ customerId: id, tenantId: id, role: z.string() }),
});

/** A mapping's place: the customer, and for the lower levels the tenant and the role or user. */
const mappingKey = {
  customerId: id,
  level: z.enum(mappingLevels),
  tenantId: id.nullable(),
  role: z.string().nullable(),
  userId: id.nullable(),
};

export const mappingSet = defineEvent('permissionMapping.set', {
  action: 'allow',
  target: targetTypes.permissionMapping,
  data: z.object({ ...mappingKey, groups: names }),
});

export const mappingRemoved = defineEvent('permissionMapping.removed', {
  action: 'deny',
  target: targetTypes.permissionMapping,
  data: z.object(mappingKey),
});

export const customerRoleGranted = defineEvent('user.customerRoleGranted', {
  action: 'allow',
  target: targetTypes.role,
  data: z.object({ userId: id, customerId: id, role: z.string() }),
});

export const customerRoleRevoked = defineEvent('user.customerRoleRevoked', {
  action: 'deny',
  target: targetTypes.role,
  data: z.object({ userId: id, customerId: id }),
});

export const licenseSet = defineEvent('license.set', {
  action: 'update',
  target: targetTypes.license,
  data: z.object({
    customerId: id,
    edition: z.enum(editions),
    endsAt: z.string().nullable(),
    graceDays: z.number().int(),
    suspended: z.boolean(),
  }),
});

export const featureToggled = defineEvent('license.featureToggled', {
  action: 'configure',
  target: targetTypes.license,
  data: z.object({ customerId: id, feature: z.string(), enabled: z.boolean().nullable() }),
});
