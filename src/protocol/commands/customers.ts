import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { searchInput } from './search-input.js';
import { displayText, identifier, page, pageInput } from '../common.js';
import { customer } from './organisation-schemas.js';

export const customers = defineManager('customers', 'customer', {
  create: defineCommand({
    summary: 'Create a customer: the top of the organisation (customers > tenant groups > tenants)',
    input: z.strictObject({
      name: identifier('customer name'),
      displayName: displayText(200).optional(),
    }),
    output: customer,
    permission: 'CREATE_CUSTOMER',
    feature: 'organisation',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: 'List customers, or describe one by name',
    input: z.strictObject({ name: identifier('customer name').optional(), ...searchInput, ...pageInput }),
    output: page(customer),
    permission: 'DESCRIBE_CUSTOMER',
    feature: 'organisation',
    audit: null,
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'name' },
    cli: { columns: ['name', 'displayName', 'status', 'createdAt'] },
  }),
  update: defineCommand({
    summary: "Change a customer's display name or status",
    input: z.strictObject({
      name: identifier('customer name'),
      displayName: displayText(200).optional(),
      status: z.enum(['active', 'inactive']).optional(),
    }),
    output: customer,
    permission: 'UPDATE_CUSTOMER',
    feature: 'organisation',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
