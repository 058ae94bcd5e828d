import { z } from 'zod';
import { mappingLevels } from '../access.js';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, instant, ok, timestamp, userName } from '../common.js';
import { editions, features } from '../features.js';
import { permissionCategories } from '../permissions.js';
import { searchInput } from './search-input.js';

export const accessName = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, `${what} names start with a letter and contain letters, digits, '_' and '-'`);

const customerOption = { customer: identifier('customer name').optional().describe('whose; your own customer when omitted') };
const groupNames = z.array(accessName('permission group')).min(1).max(50);

const permissionAction = z.object({
  name: z.string(),
  kind: z.enum(['action', 'wizard', 'page']),
  category: z.enum(permissionCategories),
  readOnly: z.boolean(),
  summary: z.string(),
});
const permissionGroup = z.object({ name: z.string(), builtIn: z.boolean(), description: z.string(), actions: z.array(z.string()) });
const role = z.object({ name: z.string(), builtIn: z.boolean(), description: z.string(), groups: z.array(z.string()) });
const mapping = z.object({
  level: z.enum(mappingLevels),
  customer: z.string(),
  tenant: z.string().nullable(),
  role: z.string().nullable(),
  user: z.string().nullable(),
  groups: z.array(z.string()),
  updatedAt: timestamp,
});
const mappingPlace = {
  level: z.enum(mappingLevels),
  ...customerOption,
  tenant: identifier('tenant name').optional().describe('for tenant, role and user mappings'),
  role: accessName('role').optional().describe('for role mappings'),
  user: userName.optional().describe('for user mappings'),
};
const mappingScope = { kind: 'tenantOrCustomer', tenantField: 'tenant', customerField: 'customer' } as const;

export const permissions = defineManager('permissions', 'permission', {
  describeActions: defineCommand({
    summary: 'List every permission action: actions, console pages and wizards, with their category',
    input: z.strictObject({ category: z.enum(permissionCategories).optional() }),
    output: z.object({ items: z.array(permissionAction) }),
    permission: 'DESCRIBE_SYSTEM',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['name', 'kind', 'category', 'readOnly', 'summary'] },
  }),
  describeGroups: defineCommand({
    summary: 'List permission groups: the nine defaults and the custom groups of a customer',
    input: z.strictObject({ ...customerOption, name: accessName('permission group').optional() }),
    output: z.object({ items: z.array(permissionGroup) }),
    permission: 'DESCRIBE_PERMISSIONS',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['name', 'builtIn', 'description'] },
  }),
  saveGroup: defineCommand({
    summary: 'Create or replace a custom permission group of a customer',
    input: z.strictObject({
      ...customerOption,
      name: accessName('permission group'),
      description: displayText(500).optional(),
      actions: z.array(z.string().min(1).max(64)).min(1).max(500),
    }),
    output: permissionGroup,
    permission: 'MANAGE_PERMISSION_GROUP',
    feature: 'organisation',
    audit: 'update',
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  deleteGroup: defineCommand({
    summary: 'Delete a custom permission group that no role or mapping uses',
    input: z.strictObject({ ...customerOption, name: accessName('permission group') }),
    output: ok,
    permission: 'MANAGE_PERMISSION_GROUP',
    feature: 'organisation',
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  describeUser: defineCommand({
    summary: 'What a user may do in a tenant: effective actions, and the mapping level and groups each comes from',
    input: z.strictObject({ tenant: identifier('tenant name'), user: userName.optional().describe('yourself when omitted') }),
    output: z.object({
      user: z.string(),
      tenant: z.string(),
      decidedBy: z.enum(mappingLevels).nullable(),
      role: z.string().nullable(),
      roleBlocked: z.boolean(),
      groups: z.array(z.string()),
      actions: z.array(z.object({ name: z.string(), groups: z.array(z.string()) })),
    }),
    permission: 'DESCRIBE_USER_PERMISSIONS',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    // Anyone may ask about themselves, even where they may do nothing; the handler checks the rest.
    scope: { kind: 'self' },
    cli: { columns: ['name', 'groups'] },
  }),
});

export const roles = defineManager('roles', 'role', {
  describe: defineCommand({
    summary: 'List roles: the built-in ones and the custom roles of a customer, with their permission groups',
    input: z.strictObject({ ...customerOption, name: accessName('role').optional(), ...searchInput }),
    output: z.object({ items: z.array(role) }),
    permission: 'DESCRIBE_PERMISSIONS',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['name', 'builtIn', 'groups', 'description'] },
  }),
  save: defineCommand({
    summary: 'Create or replace a custom role of a customer: the permission groups it holds',
    input: z.strictObject({ ...customerOption, name: accessName('role'), description: displayText(500).optional(), groups: groupNames }),
    output: role,
    permission: 'MANAGE_ROLE',
    feature: 'organisation',
    audit: 'update',
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  delete: defineCommand({
    summary: 'Delete a custom role that no user holds',
    input: z.strictObject({ ...customerOption, name: accessName('role') }),
    output: ok,
    permission: 'MANAGE_ROLE',
    feature: 'organisation',
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  block: defineCommand({
    summary: 'Block a role in a tenant: its holders fall back to the tenant or customer mapping there',
    input: z.strictObject({ tenant: identifier('tenant name'), role: accessName('role') }),
    output: ok,
    permission: 'BLOCK_ROLE',
    feature: 'organisation',
    audit: 'disable',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  unblock: defineCommand({
    summary: 'Unblock a role in a tenant',
    input: z.strictObject({ tenant: identifier('tenant name'), role: accessName('role') }),
    output: ok,
    permission: 'BLOCK_ROLE',
    feature: 'organisation',
    audit: 'enable',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});

export const mappings = defineManager('mappings', 'mapping', {
  describe: defineCommand({
    summary: 'List the permission mappings of a customer, or of one tenant',
    input: z.strictObject({ ...customerOption, tenant: identifier('tenant name').optional() }),
    output: z.object({ items: z.array(mapping) }),
    permission: 'DESCRIBE_PERMISSIONS',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: mappingScope,
    cli: { columns: ['level', 'tenant', 'role', 'user', 'groups'] },
  }),
  set: defineCommand({
    summary: 'Set the permission groups of a mapping: for a customer, a tenant, a role in a tenant, or a user in a tenant',
    input: z.strictObject({ ...mappingPlace, groups: groupNames }),
    output: mapping,
    permission: 'MANAGE_PERMISSION_MAPPING',
    feature: 'organisation',
    audit: 'allow',
    audience: 'user',
    scope: mappingScope,
  }),
  remove: defineCommand({
    summary: 'Remove a permission mapping; the next level of the hierarchy applies again',
    input: z.strictObject(mappingPlace),
    output: ok,
    permission: 'MANAGE_PERMISSION_MAPPING',
    feature: 'organisation',
    audit: 'deny',
    audience: 'user',
    scope: mappingScope,
  }),
});

const featureName = z.enum(Object.keys(features) as [keyof typeof features, ...(keyof typeof features)[]]);
const license = z.object({
  customer: z.string(),
  edition: z.enum(editions),
  endsAt: timestamp.nullable(),
  graceDays: z.number().int(),
  suspended: z.boolean(),
  state: z.enum(['active', 'grace', 'suspended']),
  isDefault: z.boolean().describe('no licence was set: the platform default applies'),
  toggles: z.record(z.string(), z.boolean()),
  features: z.array(z.object({ name: z.string(), enabled: z.boolean(), summary: z.string() })),
});

export const licenses = defineManager('licenses', 'license', {
  describe: defineCommand({
    summary: "A customer's licence: edition, subscription state and end, feature toggles, and what is enabled",
    input: z.strictObject(customerOption),
    output: license,
    permission: 'DESCRIBE_LICENSE',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  set: defineCommand({
    summary: "Set a customer's edition and subscription (end date, grace days, suspension); feature toggles stay",
    input: z.strictObject({
      customer: identifier('customer name'),
      edition: z.enum(editions),
      endsAt: instant.nullable().optional().describe('end of the paid period; none for an open-ended subscription'),
      graceDays: z.number().int().min(0).max(365).default(14),
      suspended: z.boolean().default(false),
    }),
    output: license,
    permission: 'MANAGE_LICENSE',
    feature: 'organisation',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  toggleFeature: defineCommand({
    summary: 'Switch a feature on or off for a customer beyond its edition, or back to the edition (enabled: null)',
    input: z.strictObject({ customer: identifier('customer name'), feature: featureName, enabled: z.boolean().nullable() }),
    output: license,
    permission: 'MANAGE_LICENSE',
    feature: 'organisation',
    audit: 'configure',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
