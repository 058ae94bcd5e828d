import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { cloudKinds } from '../clouds.js';
import { identifier, page, pageInput, timestamp } from '../common.js';
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

/** What a Management table sorts by; `-` in front sorts descending. */
export const resourceSortKeys = ['name', 'type', 'region', 'state', 'createdAt'] as const;
const resourceSorts = [...resourceSortKeys, ...resourceSortKeys.map((key) => `-${key}` as const)] as const;

/** The filters resources.describe and resources.facets share: each narrows the list, and they combine. */
const resourceFilters = {
  ...tenantScope,
  cloud: z.enum(cloudKinds, { error: `cloud is one of ${cloudKinds.join(', ')}` }).optional(),
  region: identifier('region name').optional(),
  type: z.enum(['instance', 'volume', 'image'], { error: 'type is one of instance, volume, image' }).optional(),
  /** The resource's state as its own list shows it (running, available, …). */
  state: z.string().trim().min(1, 'state must not be empty').max(32, 'state is at most 32 characters').optional(),
  /** Part of the name, compared case-insensitively. */
  name: z.string().trim().min(1, 'name must not be empty; leave it out to list every name').max(128, 'name is at most 128 characters').optional(),
  tagKey: z.string().max(128).optional(),
  tagValue: z.string().max(256).optional(),
};

/** One row of the Management table: the resource fields every list had, and what the table shows. */
export const managedResource = resource.extend({
  /** Null for a volume or image whose creation through a private agent has not finished. */
  nativeId: z.string().nullable(),
  state: z.string(),
  owner: z.string().nullable(),
  createdAt: timestamp,
  /** Instances only (null otherwise): the shape it runs with, null for a custom size. */
  shape: z.string().nullable(),
  /** Instances only: the public IP it is reached at, and the private address that forwards to. */
  publicIp: z.object({ address: z.string(), privateAddress: z.string().nullable() }).nullable(),
});

const count = z.number().int().nonnegative();

export const resourceFacets = z.object({
  /** Every cloud and region the tenant has resources in, under the filters other than cloud and region. */
  clouds: z.array(z.object({ cloud: z.enum(cloudKinds), count, regions: z.array(z.object({ name: z.string(), count })) })),
  /** Per type (under the filters other than type), its tag keys and their most frequent values (under the filters other than the tag). */
  types: z.array(
    z.object({
      type: z.enum(['instance', 'volume', 'image']),
      count,
      tags: z.array(
        z.object({
          key: z.string(),
          count,
          values: z.array(z.object({ value: z.string(), count })),
          /** True when the key has more values than `values` lists (the most frequent ones). */
          more: z.boolean(),
        }),
      ),
      /** True when the type has more tag keys than `tags` lists. */
      more: z.boolean(),
    }),
  ),
});

export const resources = defineManager('resources', 'resource', {
  describe: defineCommand({
    summary:
      "All of a tenant's resources (instances, volumes, images) with their tags, filtered, sorted and paged by cursor; " +
      "tag names match by the cloud's rules",
    input: z.strictObject({
      ...resourceFilters,
      sort: z
        .enum(resourceSorts, { error: `sort is one of ${resourceSortKeys.join(', ')}, with '-' in front for descending` })
        .optional(),
      order: z.enum(['asc', 'desc'], { error: "order is 'asc' or 'desc'" }).optional(),
      limit: z.number().int().min(1, 'limit is at least 1').max(500, 'limit is at most 500; page with nextCursor').default(50),
      cursor: pageInput.cursor,
    }),
    output: page(managedResource),
    permission: 'DESCRIBE_RESOURCES',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'type', 'name', 'cloud', 'region', 'state', 'owner', 'createdAt', 'tags'] },
  }),
  facets: defineCommand({
    summary: "The Management page's filter panel: counts of a tenant's resources per cloud and region, type, tag name and value",
    input: z.strictObject(resourceFilters),
    output: resourceFacets,
    permission: 'DESCRIBE_RESOURCES',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});
