import { CloudError, type CloudPublicIp } from '../driver.js';
import type { NetworkApi } from './network.js';
import { publicIpOf } from './parse/network.js';

/** Floating IPs: allocated from an external network, pointed at a server's port. */
export class PublicIps {
  constructor(private readonly network: NetworkApi) {}

  async list(signal: AbortSignal): Promise<CloudPublicIp[]> {
    return (await this.network.listFloatingIps(signal)).map((ip) => publicIpOf(ip));
  }

  async allocate(networkNativeId: string | null | undefined, signal: AbortSignal): Promise<CloudPublicIp> {
    let networkId = networkNativeId;
    if (!networkId) {
      const external = await this.network.listNetworks({ external: true }, signal);
      if (external.length !== 1) {
        throw new CloudError(
          'invalid',
          external.length === 0
            ? 'the project sees no external network to allocate a public IP from'
            : `the project sees ${external.length} external networks (${external.map((n) => n.name || n.nativeId).join(', ')}); name the one to allocate from`,
        );
      }
      networkId = external[0]!.nativeId;
    }
    return publicIpOf(await this.network.createFloatingIp(networkId, signal));
  }

  /**
   * Points the IP at the server's first port with an address (its primary interface). Neutron
   * would move an IP pointed at another server's port without a word; the driver contract refuses
   * that (docs/networks.md), so the IP is read first.
   */
  async associate(ipNativeId: string, instanceNativeId: string, signal: AbortSignal): Promise<CloudPublicIp> {
    const [current, ports] = await Promise.all([this.network.getFloatingIp(ipNativeId, signal), this.network.listPorts(instanceNativeId, signal)]);
    if (current.port_id) {
      if (ports.some((p) => p.id === current.port_id)) return publicIpOf(current, () => instanceNativeId);
      throw new CloudError('conflict', `floating IP ${current.floating_ip_address} is associated with port ${current.port_id} of another server; disassociate it first`);
    }
    const port = ports.find((p) => p.fixed_ips.length > 0);
    if (!port) throw new CloudError('invalid', `server ${instanceNativeId} has no network port with an address to give a public IP to`);
    return publicIpOf(await this.network.setFloatingIpPort(ipNativeId, port.id, signal), () => instanceNativeId);
  }

  async disassociate(ipNativeId: string, signal: AbortSignal): Promise<void> {
    await this.network.setFloatingIpPort(ipNativeId, null, signal);
  }

  /** Neutron deletes an associated IP too; the driver contract refuses it, so the IP is read first. */
  async release(ipNativeId: string, signal: AbortSignal): Promise<void> {
    const current = await this.network.getFloatingIp(ipNativeId, signal);
    if (current.port_id) {
      throw new CloudError('conflict', `floating IP ${current.floating_ip_address} is associated with port ${current.port_id}; disassociate it before releasing it`);
    }
    await this.network.deleteFloatingIp(ipNativeId, signal);
  }
}
