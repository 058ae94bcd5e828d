import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, ok, timestamp } from '../common.js';
import { resourceId, tenantScope } from './compute-schemas.js';
import { searchInput } from './search-input.js';
import { instancePicker, tenantPicker, tenantRegionPicker } from './ui-pickers.js';

const inRegion = z.strictObject({ ...tenantScope, region: identifier('region name') });

export const network = z.object({
  nativeId: z.string().describe("the cloud's id; instances.run takes it, or the name"),
  name: z.string(),
  external: z.boolean().describe('public addresses are allocated from it'),
  shared: z.boolean().describe("other projects of the cloud see it too"),
  cidrs: z.array(z.string()),
  activated: z.boolean().describe('activated for the tenant: its runs and moves may choose it'),
  description: z.string().nullable().describe('given at activation'),
  existsOnCloud: z.boolean().describe('false for an activated network the cloud no longer has'),
});

const networkRef = {
  ...tenantScope,
  region: identifier('region name'),
  network: z.string().trim().min(1).max(255).describe('the network (VLAN), by name or nativeId'),
};

export const activatedNetwork = z.object({
  tenant: z.string(),
  region: z.string(),
  nativeId: z.string(),
  name: z.string(),
  description: z.string(),
  activatedAt: timestamp,
});

export const securityGroup = z.object({
  nativeId: z.string(),
  name: z.string().describe('instances.run takes it in securityGroups'),
  description: z.string(),
});

// Read live from the cloud: Maestro keeps no copy of networks or security groups, which the
// cloud's own administrators change.
export const networks = defineManager('networks', 'network', {
  activate: defineCommand({
    summary: "Activate a private network (VLAN) of a region's cloud for a tenant",
    description:
      'Once a tenant has activated networks in a region, instances.run and networks.moveInstance there may choose only those ' +
      '(the cloud\'s default network is still used when a run names none); until then they may choose any private network. ' +
      'External networks are not activated: public IPs are allocated from them.',
    input: z.strictObject({ ...networkRef, description: z.string().trim().min(1).max(255) }),
    output: activatedNetwork,
    permission: 'ACTIVATE_NETWORK',
    feature: 'compute',
    ui: {
      title: 'Activate a network',
      fields: {
        tenant: tenantPicker,
        region: tenantRegionPicker,
        network: {
          label: 'Network (VLAN)',
          picker: { command: 'networks.describe', value: 'name', detail: 'nativeId', search: 'search', params: { tenant: '$tenant', region: '$region' } },
        },
        description: { label: 'What it is for' },
      },
    },
    audit: 'enable',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  deactivate: defineCommand({
    summary: 'Deactivate a network (VLAN) for a tenant: runs and moves no longer choose it; instances on it stay',
    input: z.strictObject(networkRef),
    output: ok,
    permission: 'ACTIVATE_NETWORK',
    feature: 'compute',
    ui: { fields: { tenant: tenantPicker, region: tenantRegionPicker }, confirm: 'Deactivate this network? Instances on it stay; new runs cannot choose it.' },
    audit: 'disable',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  moveInstance: defineCommand({
    summary: "Move a running or stopped instance to another private network (VLAN) of its region",
    description: 'The instance gets a private address on the network; its public IP, if any, follows it. Regions whose cloud cannot move instances refuse with invalid_input.',
    input: z.strictObject({ ...tenantScope, instance: resourceId('instance'), network: networkRef.network }),
    output: z.object({ instanceId: z.string(), network: z.string(), networkNativeId: z.string() }),
    permission: 'MOVE_INSTANCE_NETWORK',
    feature: 'compute',
    ui: {
      title: 'Move an instance to another network',
      fields: { tenant: tenantPicker, instance: instancePicker, network: { label: 'Network (VLAN)', help: 'By name or nativeId; networks.describe lists them.' } },
      confirm: 'Move this instance? It gets a new private address.',
    },
    audit: 'update',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  describe: defineCommand({
    summary: "List the networks a tenant's instances can join in a region, as the cloud shows them now, and those activated for it",
    description:
      'Regions of clouds that let a run choose its network (OpenStack) answer; the others refuse with invalid_input. ' +
      'instances.run takes a network by name or nativeId; without one, the cloud picks (on OpenStack, the project\'s only network).',
    input: inRegion.extend(searchInput),
    output: z.object({ items: z.array(network) }),
    permission: 'DESCRIBE_NETWORK',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['nativeId', 'name', 'external', 'cidrs', 'activated', 'existsOnCloud'] },
  }),
});

export const securityGroups = defineManager('securityGroups', 'security-group', {
  describe: defineCommand({
    summary: "List the security groups of a region a tenant's instances can use, as the cloud shows them now",
    description: 'Regions of clouds with security groups (OpenStack) answer; the others refuse with invalid_input. instances.run takes them by name.',
    input: inRegion.extend(searchInput),
    output: z.object({ items: z.array(securityGroup) }),
    permission: 'DESCRIBE_SECURITY_GROUP',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['nativeId', 'name', 'description'] },
  }),
});
