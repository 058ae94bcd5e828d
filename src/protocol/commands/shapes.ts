import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, ok } from '../common.js';
import { shape } from './compute-schemas.js';
import { searchInput } from './search-input.js';

const shapeName = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "shape names may contain letters, digits and '._-'")
  .transform((value) => value.toUpperCase());

export const shapes = defineManager('shapes', 'shape', {
  describe: defineCommand({
    summary: 'List the shapes a region offers: the standard ones and its custom ones',
    input: z.strictObject({ region: identifier('region name'), ...searchInput }),
    output: z.object({ items: z.array(shape) }),
    permission: 'DESCRIBE_SHAPE',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['name', 'cpu', 'ramGb', 'custom'] },
  }),
  create: defineCommand({
    summary: 'Add a custom shape to a region',
    input: z.strictObject({
      region: identifier('region name'),
      name: shapeName,
      cpu: z.number().int().min(1).max(256),
      ramGb: z.number().min(0.5).max(4096),
    }),
    output: shape,
    permission: 'MANAGE_SHAPE',
    feature: 'compute',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  delete: defineCommand({
    summary: 'Remove a custom shape from a region',
    input: z.strictObject({ region: identifier('region name'), name: shapeName }),
    output: ok,
    permission: 'MANAGE_SHAPE',
    feature: 'compute',
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
