import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier } from '../common.js';
import { tenantScope } from './compute-schemas.js';

const inRegion = z.strictObject({ ...tenantScope, region: identifier('region name') });

export const network = z.object({
  nativeId: z.string().describe("the cloud's id; instances.run takes it, or the name"),
  name: z.string(),
  external: z.boolean().describe('public addresses are allocated from it'),
  shared: z.boolean().describe("other projects of the cloud see it too"),
  cidrs: z.array(z.string()),
});

export const securityGroup = z.object({
  nativeId: z.string(),
  name: z.string().describe('instances.run takes it in securityGroups'),
  description: z.string(),
});

// Read live from the cloud: Maestro keeps no copy of networks or security groups, which the
// cloud's own administrators change.
export const networks = defineManager('networks', 'network', {
  describe: defineCommand({
    summary: "List the networks a tenant's instances can join in a region, as the cloud shows them now",
    description:
      'Regions of clouds that let a run choose its network (OpenStack) answer; the others refuse with invalid_input. ' +
      'instances.run takes a network by name or nativeId; without one, the cloud picks (on OpenStack, the project\'s only network).',
    input: inRegion,
    output: z.object({ items: z.array(network) }),
    permission: 'DESCRIBE_NETWORK',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['nativeId', 'name', 'external', 'shared', 'cidrs'] },
  }),
});

export const securityGroups = defineManager('securityGroups', 'security-group', {
  describe: defineCommand({
    summary: "List the security groups of a region a tenant's instances can use, as the cloud shows them now",
    description: 'Regions of clouds with security groups (OpenStack) answer; the others refuse with invalid_input. instances.run takes them by name.',
    input: inRegion,
    output: z.object({ items: z.array(securityGroup) }),
    permission: 'DESCRIBE_SECURITY_GROUP',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['nativeId', 'name', 'description'] },
  }),
});
