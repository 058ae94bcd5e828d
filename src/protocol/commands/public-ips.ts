import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { identifier, ok, page, pageInput, timestamp } from '../common.js';
import { resourceId, tenantScope } from './compute-schemas.js';
import { searchInput } from './search-input.js';
import { instancePicker, tenantPicker, tenantRegionPicker } from './ui-pickers.js';

export const publicIp = z.object({
  id: z.string(),
  tenant: z.string(),
  region: z.string(),
  address: z.string().describe('the public IPv4 address'),
  nativeId: z.string().describe("the cloud's id of the address"),
  network: z.string().describe("the cloud's id of the external network it was allocated from"),
  instanceId: z.string().nullable().describe('the instance it forwards to; null while idle (idle addresses are billed)'),
  privateAddress: z.string().nullable().describe("the instance's private address it forwards to"),
  owner: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type PublicIp = z.output<typeof publicIp>;

/** A public IP named by its id, or by its address (with the region where the same address exists in two). */
const ipRef = {
  ...tenantScope,
  ip: z.string().trim().min(1, 'ip must not be empty').max(64).describe('the public IP: its id, or its address'),
  region: identifier('region name').optional().describe('where the address is, when the tenant holds the same address in two regions'),
};

const command = { feature: 'compute', audience: 'user', scope: { kind: 'tenant', field: 'tenant' } } as const;

export const publicIps = defineManager('publicIps', 'public-ip', {
  allocate: defineCommand({
    summary: 'Allocate a public IP to a tenant in a region, from an external network of its cloud',
    description:
      'Refused (limit_exceeded) beyond the public IP quota of the tenant. An allocated address that is not associated with an instance is billed by the hour.',
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name'),
      network: z.string().trim().min(1).max(255).optional().describe("the external network, by name or nativeId; absent, the cloud's only one"),
    }),
    output: publicIp,
    permission: 'ALLOCATE_PUBLIC_IP',
    audit: 'create',
    ...command,
    ui: {
      title: 'Allocate a public IP',
      fields: {
        tenant: tenantPicker,
        region: tenantRegionPicker,
        network: {
          label: 'External network',
          help: "Empty: the cloud's only external network.",
          picker: { command: 'networks.describe', value: 'name', detail: 'nativeId', search: 'search', params: { tenant: '$tenant', region: '$region' } },
        },
      },
    },
  }),
  describe: defineCommand({
    summary: "List a tenant's public IPs, or describe some",
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name').optional(),
      instance: resourceId('instance').optional(),
      ids: z.array(resourceId('public IP')).max(100).optional(),
      search: searchInput.search.describe('only the addresses containing this text'),
      ...pageInput,
    }),
    output: page(publicIp),
    permission: 'DESCRIBE_PUBLIC_IP',
    audit: null,
    ...command,
    cli: { columns: ['id', 'address', 'region', 'instanceId', 'privateAddress'] },
  }),
  associate: defineCommand({
    summary: 'Associate a public IP with a running or stopped instance of the same tenant and region',
    description:
      'An address forwards to one instance at most, and an instance has one address at most. An address associated with another ' +
      'instance is refused (invalid_state) unless move is true: then it is disassociated from that instance first.',
    input: z.strictObject({
      ...ipRef,
      instance: resourceId('instance'),
      move: z.boolean().default(false).describe('take the address from the instance it is associated with now'),
    }),
    output: publicIp,
    permission: 'ASSOCIATE_PUBLIC_IP',
    audit: 'attach',
    ...command,
    ui: {
      title: 'Associate a public IP',
      fields: {
        tenant: tenantPicker,
        ip: {
          label: 'Public IP',
          picker: { command: 'publicIps.describe', value: 'id', label: 'address', detail: 'region', search: 'search', params: { tenant: '$tenant' } },
        },
        region: { widget: 'hidden' },
        instance: instancePicker,
        move: { label: 'Take it from the instance it forwards to now', widget: 'checkbox' },
      },
    },
  }),
  disassociate: defineCommand({
    summary: 'Disassociate a public IP from its instance (the address stays allocated, and is billed while idle)',
    input: z.strictObject(ipRef),
    output: publicIp,
    permission: 'DISASSOCIATE_PUBLIC_IP',
    audit: 'detach',
    ...command,
  }),
  release: defineCommand({
    summary: 'Release a public IP that is not associated with an instance',
    input: z.strictObject(ipRef),
    output: ok,
    permission: 'RELEASE_PUBLIC_IP',
    audit: 'delete',
    ...command,
    ui: { fields: { tenant: tenantPicker, region: { widget: 'hidden' } }, confirm: 'Release this public IP? The address may go to someone else.' },
  }),
});
