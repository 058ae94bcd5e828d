import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { searchInput } from './search-input.js';
import { displayText, identifier, ok, page, pageInput } from '../common.js';
import { tenantGroup } from './organisation-schemas.js';

export const tenantGroups = defineManager('tenantGroups', 'tenant-group', {
  create: defineCommand({
    summary: "Create a tenant group: a set of a customer's tenants, following its structure",
    input: z.strictObject({
      customer: identifier('customer name'),
      name: identifier('tenant group name'),
      description: displayText(1000).optional(),
    }),
    output: tenantGroup,
    permission: 'CREATE_TENANT_GROUP',
    feature: 'organisation',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  describe: defineCommand({
    summary: 'List tenant groups, of one customer or of all',
    input: z.strictObject({ customer: identifier('customer name').optional(), ...searchInput, ...pageInput }),
    output: page(tenantGroup),
    permission: 'DESCRIBE_TENANT_GROUP',
    feature: 'organisation',
    audit: null,
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['customer', 'name', 'description'] },
  }),
  delete: defineCommand({
    summary: 'Delete a tenant group that holds no tenants',
    input: z.strictObject({
      customer: identifier('customer name'),
      name: identifier('tenant group name'),
    }),
    output: ok,
    permission: 'DELETE_TENANT_GROUP',
    feature: 'organisation',
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
});
