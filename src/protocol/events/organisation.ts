import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { clientCloudKinds, cloudKinds, regionKinds, regionStatuses } from '../clouds.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

export const customerCreated = defineEvent('customer.created', {
  action: 'create',
  target: targetTypes.customer,
  data: z.object({ id, name: z.string(), displayName: z.string() }),
});

export const customerUpdated = defineEvent('customer.updated', {
  action: 'update',
  target: targetTypes.customer,
  data: z.object({
    id,
    displayName: z.string().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
});

export const tenantGroupCreated = defineEvent('tenantGroup.created', {
  action: 'create',
  target: targetTypes.tenantGroup,
  data: z.object({ id, customerId: id, name: z.string(), description: z.string() }),
});

export const tenantGroupDeleted = defineEvent('tenantGroup.deleted', {
  action: 'delete',
  target: targetTypes.tenantGroup,
  data: z.object({ id }),
});

export const tenantCreated = defineEvent('tenant.created', {
  action: 'create',
  target: targetTypes.tenant,
  data: z.object({
    id,
    customerId: id,
    /** The customer's and the group's names, which never change: the tenants page shows them. */
    customer: z.string(),
    groupId: id.nullable(),
    group: z.string().nullable(),
    name: z.string(),
    displayName: z.string(),
    description: z.string(),
    contacts: z.array(z.string()),
  }),
});

export const tenantUpdated = defineEvent('tenant.updated', {
  action: 'update',
  target: targetTypes.tenant,
  data: z.object({
    id,
    groupId: id.nullable().optional(),
    /** The new group's name, given with groupId. */
    group: z.string().nullable().optional(),
    displayName: z.string().optional(),
    description: z.string().optional(),
    contacts: z.array(z.string()).optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
});

export const tenantRegionActivated = defineEvent('tenant.regionActivated', {
  action: 'enable',
  target: targetTypes.tenant,
  data: z.object({ tenantId: id, regionId: id }),
});

export const tenantRegionDeactivated = defineEvent('tenant.regionDeactivated', {
  action: 'disable',
  target: targetTypes.tenant,
  data: z.object({ tenantId: id, regionId: id }),
});

export const regionCreated = defineEvent('region.created', {
  action: 'create',
  target: targetTypes.region,
  data: z.object({
    id,
    name: z.string(),
    cloud: z.enum(cloudKinds),
    kind: z.enum(regionKinds),
    nativeName: z.string(),
    status: z.enum(regionStatuses),
    description: z.string(),
    /** The private agent that reaches the region's cloud (absent before agents existed). */
    agentId: id.nullable().optional(),
    /** The cloud a simulated region answers to on the compatible endpoint (absent: the default). */
    imitates: z.enum(clientCloudKinds).nullable().optional(),
  }),
});

export const regionUpdated = defineEvent('region.updated', {
  action: 'update',
  target: targetTypes.region,
  data: z.object({
    id,
    nativeName: z.string().optional(),
    status: z.enum(regionStatuses).optional(),
    description: z.string().optional(),
    agentId: id.nullable().optional(),
    imitates: z.enum(clientCloudKinds).nullable().optional(),
  }),
});

export const userCreated = defineEvent('user.created', {
  action: 'create',
  target: targetTypes.user,
  data: z.object({
    id,
    name: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    customerId: id.nullable(),
    systemAdmin: z.boolean(),
  }),
});

export const userUpdated = defineEvent('user.updated', {
  action: 'update',
  target: targetTypes.user,
  data: z.object({
    id,
    displayName: z.string().optional(),
    email: z.string().nullable().optional(),
    status: z.enum(['active', 'disabled']).optional(),
  }),
});

export const userPasswordSet = defineEvent('user.passwordSet', {
  action: 'update',
  target: targetTypes.user,
  data: z.object({ id, passwordHash: z.string() }),
  secretFields: ['passwordHash'],
});

export const userRoleGranted = defineEvent('user.roleGranted', {
  action: 'allow',
  target: targetTypes.role,
  data: z.object({ userId: id, tenantId: id, role: z.string() }),
});

export const userRoleRevoked = defineEvent('user.roleRevoked', {
  action: 'deny',
  target: targetTypes.role,
  data: z.object({ userId: id, tenantId: id }),
});

export const keyCreated = defineEvent('key.created', {
  action: 'create',
  target: targetTypes.credential,
  data: z.object({
    accessKey: z.string(),
    userId: id,
    /** The secret key, encrypted with the master key; never shown in the audit log. */
    secretEncrypted: z.string(),
    description: z.string(),
    expiresAt: z.string().nullable(),
  }),
  secretFields: ['secretEncrypted'],
});

export const keyDeleted = defineEvent('key.deleted', {
  action: 'revoke',
  target: targetTypes.credential,
  data: z.object({ accessKey: z.string(), userId: id }),
});
