import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, page, pageInput } from '../common.js';
import { resource, resourceId, tags as tagSet, tenantScope } from './compute-schemas.js';
import { tenantPicker } from './ui-pickers.js';

const resourceTags = z.object({ resourceId: z.string(), resourceType: z.enum(['instance', 'volume']), tags: z.record(z.string(), z.string()) });

export const tags = defineManager('tags', 'tag', {
  set: defineCommand({
    summary: "Set tags on an instance or volume (other tags stay); the cloud's tag rules apply",
    input: z.strictObject({ ...tenantScope, resourceId: resourceId('resource'), tags: tagSet }),
    output: resourceTags,
    permission: 'UPDATE_TAGS',
    feature: 'compute',
    audit: 'tag',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: {
      title: 'Manage tags',
      fields: {
        tenant: tenantPicker,
        // The console opens it from an instance's or volume's page, which fills the id in.
        resourceId: { label: 'Instance or volume', widget: 'hidden' },
        tags: { label: 'Tags', widget: 'tags', help: "Tags set here are added or replaced; other tags stay. The cloud's tag rules apply." },
      },
    },
  }),
  delete: defineCommand({
    summary: 'Remove tags from an instance or volume by key',
    input: z.strictObject({ ...tenantScope, resourceId: resourceId('resource'), keys: z.array(z.string().min(1).max(128)).min(1).max(50) }),
    output: resourceTags,
    permission: 'DELETE_TAGS',
    feature: 'compute',
    audit: 'untag',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: {
      fields: { tenant: tenantPicker, resourceId: { widget: 'hidden' }, keys: { label: 'Tag keys to remove' } },
      confirm: 'Remove these tags?',
    },
  }),
  describe: defineCommand({
    summary: 'The tags of an instance or volume',
    input: z.strictObject({ ...tenantScope, resourceId: resourceId('resource') }),
    output: resourceTags,
    permission: 'DESCRIBE_TAGS',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});

export const resources = defineManager('resources', 'resource', {
  describe: defineCommand({
    summary: "All of a tenant's resources (instances, volumes, images) with their tags; tag names match by the cloud's rules",
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name').optional(),
      type: z.enum(['instance', 'volume', 'image']).optional(),
      tagKey: z.string().max(128).optional(),
      tagValue: z.string().max(256).optional(),
      ...pageInput,
    }),
    output: page(resource),
    permission: 'DESCRIBE_RESOURCES',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'type', 'service', 'name', 'region', 'tags'] },
  }),
});
