import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, email, identifier, page, pageInput } from '../common.js';
import { tenant } from './organisation-schemas.js';
import { searchInput } from './search-input.js';
import { customerPicker, regionPicker, tenantPicker } from './ui-pickers.js';

const tenantRegion = z.strictObject({
  tenant: identifier('tenant name'),
  region: identifier('region name'),
});

export const tenants = defineManager('tenants', 'tenant', {
  create: defineCommand({
    summary: 'Create a tenant: a group of users sharing cloud resources (an AWS account, Azure subscription, GCP project)',
    input: z.strictObject({
      customer: identifier('customer name'),
      name: identifier('tenant name'),
      displayName: displayText(200).optional(),
      description: displayText(1000).optional(),
      group: identifier('tenant group name').optional(),
      contacts: z.array(email).max(50).optional(),
    }),
    output: tenant,
    permission: 'CREATE_TENANT',
    feature: 'organisation',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    ui: {
      title: 'Create a tenant',
      wizard: 'CREATE_TENANT_WIZARD',
      steps: [
        { title: 'Tenant', fields: ['customer', 'name', 'displayName', 'description'] },
        { title: 'Group and contacts', fields: ['group', 'contacts'] },
      ],
      fields: {
        customer: customerPicker,
        name: { label: 'Tenant name', help: 'Letters, digits and ._-; stored in upper case.' },
        displayName: { label: 'Display name' },
        description: { label: 'Description', widget: 'textarea' },
        group: {
          label: 'Tenant group',
          picker: { command: 'tenantGroups.describe', value: 'name', detail: 'description', search: 'search', params: { customer: '$customer' } },
        },
        contacts: { label: 'Contact e-mails', widget: 'tags', help: 'Told about quota thresholds and other tenant news.' },
      },
      resultRoute: '/tenants/:name',
    },
  }),
  describe: defineCommand({
    summary: 'List the tenants you can see, or describe one by name',
    input: z.strictObject({
      name: identifier('tenant name').optional(),
      customer: identifier('customer name').optional(),
      ...searchInput,
      ...pageInput,
    }),
    output: page(tenant),
    permission: 'DESCRIBE_TENANT',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['name', 'customer', 'group', 'status', 'regions'] },
  }),
  update: defineCommand({
    summary: "Change a tenant's details, group or status",
    input: z.strictObject({
      name: identifier('tenant name'),
      displayName: displayText(200).optional(),
      description: displayText(1000).optional(),
      group: identifier('tenant group name').nullable().optional(),
      contacts: z.array(email).max(50).optional(),
      status: z.enum(['active', 'inactive']).optional(),
    }),
    output: tenant,
    permission: 'UPDATE_TENANT',
    feature: 'organisation',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'tenant', field: 'name' },
  }),
  activateRegion: defineCommand({
    summary: 'Let a tenant use a region',
    input: tenantRegion,
    output: tenant,
    permission: 'ACTIVATE_TENANT_REGION',
    feature: 'organisation',
    ui: { title: 'Activate a region for a tenant', fields: { tenant: tenantPicker, region: regionPicker } },
    audit: 'enable',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  deactivateRegion: defineCommand({
    summary: 'Stop a tenant from using a region',
    input: tenantRegion,
    output: tenant,
    permission: 'ACTIVATE_TENANT_REGION',
    feature: 'organisation',
    ui: {
      title: 'Deactivate a region for a tenant',
      fields: { tenant: tenantPicker, region: { ...regionPicker, picker: { ...regionPicker.picker!, params: { tenant: '$tenant' } } } },
      confirm: "Deactivate this region for the tenant? Its users can no longer run resources there.",
    },
    audit: 'disable',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
