import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, ok, page, pageInput } from '../common.js';
import { resourceId, resourceName, tags, tenantScope, volume } from './compute-schemas.js';
import { instancePicker, tenantPicker, tenantRegionPicker } from './ui-pickers.js';

const volumeRef = { ...tenantScope, id: resourceId('volume') };

export const volumes = defineManager('volumes', 'volume', {
  create: defineCommand({
    summary: 'Create a volume, and attach it to an instance if one is given',
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name'),
      name: resourceName('volume'),
      sizeGb: z.number().int().min(1).max(65536),
      instance: resourceId('instance').optional(),
      tags: tags.optional(),
    }),
    output: volume,
    permission: 'CREATE_VOLUME',
    feature: 'compute',
    audit: 'create',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: {
      title: 'Create a volume',
      wizard: 'CREATE_VOLUME_WIZARD',
      steps: [
        { title: 'Where', fields: ['tenant', 'region'] },
        { title: 'Volume', fields: ['name', 'sizeGb', 'tags'] },
        { title: 'Attach', fields: ['instance'] },
      ],
      fields: {
        tenant: tenantPicker,
        region: tenantRegionPicker,
        sizeGb: { label: 'Size (GB)', widget: 'number' },
        tags: { label: 'Tags', widget: 'tags' },
        instance: {
          label: 'Attach to instance',
          help: 'Optional: an instance of the same region.',
          picker: { ...instancePicker.picker!, params: { tenant: '$tenant', region: '$region' } },
        },
      },
    },
  }),
  attach: defineCommand({
    summary: 'Attach a volume to an instance in the same region',
    input: z.strictObject({ ...volumeRef, instance: resourceId('instance') }),
    output: volume,
    permission: 'ATTACH_VOLUME',
    feature: 'compute',
    audit: 'attach',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  detach: defineCommand({
    summary: 'Detach a volume from its instance',
    input: z.strictObject(volumeRef),
    output: volume,
    permission: 'DETACH_VOLUME',
    feature: 'compute',
    audit: 'detach',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  delete: defineCommand({
    summary: 'Delete a volume that is not attached',
    input: z.strictObject(volumeRef),
    output: ok,
    permission: 'DELETE_VOLUME',
    feature: 'compute',
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: { fields: { tenant: tenantPicker }, confirm: 'Delete this volume? Its data is gone for good.' },
  }),
  describe: defineCommand({
    summary: "List a tenant's volumes, or describe some by id",
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name').optional(),
      instance: resourceId('instance').optional(),
      ids: z.array(resourceId('volume')).max(100).optional(),
      ...pageInput,
    }),
    output: page(volume),
    permission: 'DESCRIBE_VOLUME',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'name', 'sizeGb', 'state', 'instanceId', 'region'] },
  }),
});
