import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, ok, pageInput } from '../common.js';
import { image, resourceId, resourceName, tenantScope } from './compute-schemas.js';
import { searchInput } from './search-input.js';
import { instancePicker, tenantPicker } from './ui-pickers.js';

export const images = defineManager('images', 'image', {
  describe: defineCommand({
    summary: "List the images a tenant can run in a region: the public catalog and the tenant's own",
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name'),
      name: z.string().max(128).optional(),
      ids: z.array(resourceId('image')).max(100).optional().describe('only these images (as delete takes them)'),
      ...searchInput,
      // A public catalog can be long: a picker pages it; without limit the whole list comes back, as it always did.
      limit: pageInput.limit.optional().describe('at most this many images, then nextCursor; all of them when omitted'),
      cursor: pageInput.cursor,
    }),
    output: z.object({ items: z.array(image), nextCursor: z.string().nullable() }),
    permission: 'DESCRIBE_IMAGE',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'name', 'catalog', 'os', 'minDiskGb', 'state'] },
  }),
  create: defineCommand({
    summary: "Capture an instance as an image in the tenant's private catalog (names are unique per catalog)",
    input: z.strictObject({ ...tenantScope, instance: resourceId('instance'), name: resourceName('image'), description: displayText(1000).optional() }),
    output: image,
    permission: 'CREATE_IMAGE',
    feature: 'compute',
    audit: 'create',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: {
      title: 'Create an image',
      wizard: 'CREATE_IMAGE_WIZARD',
      steps: [
        { title: 'Source', fields: ['tenant', 'instance'] },
        { title: 'Image', fields: ['name', 'description'] },
      ],
      fields: {
        tenant: tenantPicker,
        instance: { ...instancePicker, help: 'The running or stopped instance to capture.' },
        name: { label: 'Image name', help: "Unique in the tenant's catalog of the region." },
        description: { label: 'What it is for', widget: 'textarea' },
      },
    },
  }),
  delete: defineCommand({
    summary: "Delete an image of the tenant's private catalog",
    input: z.strictObject({ ...tenantScope, id: resourceId('image') }),
    output: ok,
    permission: 'DELETE_IMAGE',
    feature: 'compute',
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    ui: { fields: { tenant: tenantPicker }, confirm: 'Delete this image? Instances run from it keep running.' },
  }),
});
