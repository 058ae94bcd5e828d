import type { CloudNetwork } from '../driver.js';
import type { OpenStackClient } from './client.js';
import {
  networkOf,
  readFloatingIp,
  readFloatingIpPage,
  readNetworkPage,
  readPortPage,
  readSecurityGroupPage,
  readSubnetPage,
  securityGroupOf,
  type NeutronFloatingIp,
} from './parse/network.js';

/** Neutron (networking): API calls only; the answers are read by parse/network.ts. */
export class NetworkApi {
  constructor(
    private readonly client: OpenStackClient,
    private readonly pageSize: number | undefined,
  ) {}

  #list<T>(path: string, query: Record<string, string | boolean | undefined>, page: (text: string) => { items: readonly T[]; next: string | null }, what: string, signal?: AbortSignal) {
    return this.client.listByLink('network', path, { limit: this.pageSize, ...query }, page, what, signal);
  }

  async listNetworks(filter: { external?: boolean } = {}, signal?: AbortSignal): Promise<CloudNetwork[]> {
    const query = filter.external === undefined ? {} : { 'router:external': filter.external };
    const [networks, subnets] = await Promise.all([
      this.#list('/v2.0/networks', query, readNetworkPage, 'networks', signal),
      this.#list('/v2.0/subnets', {}, readSubnetPage, 'subnets', signal),
    ]);
    return networks.map((network) => networkOf(network, subnets));
  }

  async listSecurityGroups(signal?: AbortSignal) {
    return (await this.#list('/v2.0/security-groups', {}, readSecurityGroupPage, 'security groups', signal)).map(securityGroupOf);
  }

  listFloatingIps(signal?: AbortSignal): Promise<NeutronFloatingIp[]> {
    return this.#list('/v2.0/floatingips', {}, readFloatingIpPage, 'floating IPs', signal);
  }

  /** The ports of a server (its network interfaces). */
  listPorts(deviceId: string, signal?: AbortSignal) {
    return this.#list('/v2.0/ports', { device_id: deviceId }, readPortPage, 'ports', signal);
  }

  async getFloatingIp(id: string, signal?: AbortSignal): Promise<NeutronFloatingIp> {
    return readFloatingIp((await this.client.request('network', 'GET', `/v2.0/floatingips/${encodeURIComponent(id)}`, signal ? { signal } : {})).text);
  }

  async createFloatingIp(networkId: string, signal?: AbortSignal): Promise<NeutronFloatingIp> {
    const body = { floatingip: { floating_network_id: networkId } };
    return readFloatingIp((await this.client.request('network', 'POST', '/v2.0/floatingips', { body, ...(signal ? { signal } : {}) })).text);
  }

  /** Points the floating IP at a port (a server's interface), or at nothing with null. */
  async setFloatingIpPort(id: string, portId: string | null, signal?: AbortSignal): Promise<NeutronFloatingIp> {
    const body = { floatingip: { port_id: portId } };
    return readFloatingIp(
      (await this.client.request('network', 'PUT', `/v2.0/floatingips/${encodeURIComponent(id)}`, { body, ...(signal ? { signal } : {}) })).text,
    );
  }

  async deleteFloatingIp(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.request('network', 'DELETE', `/v2.0/floatingips/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }
}
