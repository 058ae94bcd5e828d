import type { PublicIp } from '../../../protocol/commands/public-ips.js';
import { defineAction, everyPage } from '../action.js';
import { m3, wireParams } from '../params.js';
import { instanceInRegion } from './compute-common.js';

/**
 * Static IPs and VLANs: the client's static IPs are Maestro's public IPs (publicIps.*), its VLANs
 * the networks of a region's cloud (networks.*), activated per tenant. The client names an
 * address by the address itself; an address is looked up in the region the client names.
 */

const place = { tenantName: m3.text(64), region: m3.text(64) };

/** A public IP as describe-ip, allocate-ip and associate-ip print it. */
const ipRow = (ip: PublicIp) => ({
  ipAddress: ip.address,
  tenantName: ip.tenant,
  regionName: ip.region,
  instanceId: ip.instanceId,
  privateIpAddress: ip.privateAddress,
  networkId: ip.network,
  ipId: ip.id,
  owner: ip.owner,
  allocatedAt: Date.parse(ip.createdAt),
});

/** What the client's response plugins of the VLAN commands print: the first message's key. */
const told = (text: string) => ({ messages: [{ key: text }] });

/** ALLOCATE_IP (allocate-ip): publicIps.allocate from the external network the client names. */
export const allocateIp = defineAction({
  action: 'ALLOCATE_IP',
  params: wireParams({ ...place, network: m3.text(255) }),
  async run(params, { maestro }) {
    return ipRow(await maestro.publicIps.allocate({ tenant: params.tenantName, region: params.region, network: params.network }));
  },
});

/** DESCRIBE_IPS (describe-ip): the tenant's public IPs in the region. */
export const describeIps = defineAction({
  action: 'DESCRIBE_IPS',
  params: wireParams(place),
  async run(params, { maestro }) {
    const ips = await everyPage((page) => maestro.publicIps.describe({ tenant: params.tenantName, region: params.region, ...page }));
    return ips.map(ipRow);
  },
});

/** ASSOCIATE_IP (associate-ip): publicIps.associate; an address associated elsewhere is refused, as in Maestro. */
export const associateIp = defineAction({
  action: 'ASSOCIATE_IP',
  params: wireParams({ ...place, ip: m3.text(64), instanceId: m3.text(64) }),
  async run(params, { maestro }) {
    return ipRow(await maestro.publicIps.associate({ tenant: params.tenantName, region: params.region, ip: params.ip, instance: params.instanceId }));
  },
});

/** DISASSOCIATE_IP (disassociate-ip): publicIps.disassociate; the row shows the address idle. */
export const disassociateIp = defineAction({
  action: 'DISASSOCIATE_IP',
  params: wireParams({ ...place, ip: m3.text(64) }),
  async run(params, { maestro }) {
    return ipRow(await maestro.publicIps.disassociate({ tenant: params.tenantName, region: params.region, ip: params.ip }));
  },
});

/** RELEASE_IP (release-ip): publicIps.release; the client prints Success for any non-empty answer. */
export const releaseIp = defineAction({
  action: 'RELEASE_IP',
  params: wireParams({ ...place, ip: m3.text(64) }),
  async run(params, { maestro }) {
    await maestro.publicIps.release({ tenant: params.tenantName, region: params.region, ip: params.ip });
    return { ipAddress: params.ip, state: 'released' };
  },
});

/** DESCRIBE_VLAN (describe-vlans): the region's networks, and the activated ones its cloud no longer has. */
export const describeVlans = defineAction({
  action: 'DESCRIBE_VLAN',
  params: wireParams(place),
  async run(params, { maestro }) {
    const { items } = await maestro.networks.describe({ tenant: params.tenantName, region: params.region });
    return items.map((network) => ({
      name: network.name,
      networkId: network.nativeId,
      type: network.external ? 'EXTERNAL' : 'PRIVATE',
      existsOnCloud: network.existsOnCloud,
      activated: network.activated,
      description: network.description,
      cidrs: network.cidrs,
    }));
  },
});

/**
 * ACTIVATE_VLAN (activate-vlan): networks.activate for the tenant, and for each tenant of
 * `tenantNames`, the list the client's request plugin adds (the same tenant).
 */
export const activateVlan = defineAction({
  action: 'ACTIVATE_VLAN',
  params: wireParams({ ...place, vlanName: m3.text(255), description: m3.text(255), tenantNames: m3.list(100).optional() }),
  async run(params, { maestro }) {
    const tenants = [...new Set([params.tenantName, ...(params.tenantNames ?? [])].map((name) => name.toUpperCase()))];
    for (const tenant of tenants) {
      await maestro.networks.activate({ tenant, region: params.region, network: params.vlanName, description: params.description });
    }
    return told(`VLAN ${params.vlanName} is activated in region ${params.region.toUpperCase()} for ${tenants.join(', ')}`);
  },
});

/** DEACTIVATE_VLAN (deactivate-vlan): networks.deactivate; instances on it stay. */
export const deactivateVlan = defineAction({
  action: 'DEACTIVATE_VLAN',
  params: wireParams({ ...place, vlanName: m3.text(255) }),
  async run(params, { maestro }) {
    await maestro.networks.deactivate({ tenant: params.tenantName, region: params.region, network: params.vlanName });
    return told(`VLAN ${params.vlanName} is deactivated in region ${params.region.toUpperCase()} for ${params.tenantName.toUpperCase()}`);
  },
});

/** MOVE_VM_TO_VLAN (move-to-vlan): networks.moveInstance, for an instance of the region the client names. */
export const moveToVlan = defineAction({
  action: 'MOVE_VM_TO_VLAN',
  params: wireParams({ ...place, vlanName: m3.text(255), instanceId: m3.text(64) }),
  async run(params, { maestro }) {
    const instance = await instanceInRegion(maestro, params.tenantName, params.region, params.instanceId);
    const moved = await maestro.networks.moveInstance({ tenant: params.tenantName, instance: instance.id, network: params.vlanName });
    return told(`instance ${instance.name} (${instance.id}) is moved to VLAN ${moved.network}`);
  },
});

export const networkActions = [allocateIp, describeIps, associateIp, disassociateIp, releaseIp, describeVlans, activateVlan, deactivateVlan, moveToVlan];
