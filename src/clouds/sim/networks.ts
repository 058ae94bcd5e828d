import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import { CloudError, type CloudNetwork, type CloudPublicIp, type DriverCall, type RegionTarget } from '../driver.js';
import { hostAddress, lastHost, parseCidr } from './addresses.js';
import { defaultNetworks } from './catalog.js';

interface NetworkRow extends CloudNetwork {
  vlanId: number;
}

const networkColumns = `native_id AS "nativeId", name, vlan_id AS "vlanId", external, shared, ARRAY[cidr] AS cidrs`;
const ipColumns = `native_id AS "nativeId", address, network AS "networkNativeId", instance AS "instanceNativeId", private_address AS "privateAddress"`;

/** States in which a VM has a working interface to give an address to or move. */
const settled = ['running', 'stopped'];

/**
 * The simulated cloud's networking: VLANs per region (src/clouds/sim/catalog.ts), one interface
 * per VM on one of them, and public addresses allocated from the external network. Its rules,
 * which docs/networks.md describes and the driver conformance suite checks: an address is
 * associated with at most one VM and a VM has at most one; associating an address that is
 * associated elsewhere, or releasing one that is associated, is refused (conflict); a VM that is
 * terminated gives its address back (it stays allocated, unassociated).
 */
export class SimNetworking {
  constructor(private readonly fault: (region: RegionTarget, call: DriverCall) => Promise<unknown>) {}

  async listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]> {
    await this.fault(region, call);
    return (await this.#networks(region, call.db)).map(({ vlanId: _vlan, ...network }) => network);
  }

  /**
   * Gives new VMs an interface on `networkNativeId` (absent: the region's first private network),
   * checked before the VMs are created so that a bad network creates nothing.
   */
  async networkForRun(region: RegionTarget, networkNativeId: string | null | undefined, db: Queryable): Promise<NetworkRow> {
    const networks = await this.#networks(region, db);
    if (!networkNativeId) return networks.find((n) => !n.external)!;
    return this.#joinable(region, networks, networkNativeId);
  }

  async addPorts(region: RegionTarget, network: NetworkRow, instanceIds: readonly string[], db: Queryable): Promise<void> {
    if (instanceIds.length === 0) return;
    const addresses = await this.#takeAddresses(region, network, instanceIds.length, db);
    await db.query(
      `INSERT INTO sim_ports (region, instance, network, address)
       SELECT $1, x.instance, $2, x.address FROM jsonb_to_recordset($3::jsonb) AS x(instance text, address text)`,
      [region.nativeName, network.nativeId, JSON.stringify(instanceIds.map((instance, i) => ({ instance, address: addresses[i] })))],
    );
  }

  /** VMs that are gone: their interfaces go, and their public addresses stay allocated to the project, unassociated. */
  async freeInstances(region: RegionTarget, instanceIds: readonly string[], db: Queryable): Promise<void> {
    if (instanceIds.length === 0) return;
    await db.query('DELETE FROM sim_ports WHERE region = $1 AND instance = ANY($2::text[])', [region.nativeName, instanceIds]);
    await db.query('UPDATE sim_public_ips SET instance = NULL, private_address = NULL WHERE region = $1 AND instance = ANY($2::text[])', [
      region.nativeName,
      instanceIds,
    ]);
  }

  async listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]> {
    await this.fault(region, call);
    const { rows } = await call.db.query<CloudPublicIp>(`SELECT ${ipColumns} FROM sim_public_ips WHERE region = $1 ORDER BY address`, [region.nativeName]);
    return rows;
  }

  async allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp> {
    await this.fault(region, call);
    const networks = await this.#networks(region, call.db);
    const external = networks.filter((n) => n.external);
    let network: NetworkRow;
    if (request.networkNativeId) {
      network = this.#find(region, networks, request.networkNativeId);
      if (!network.external) {
        throw new CloudError('invalid', `network ${network.name} is private; public addresses come from an external network (${external.map((n) => n.name).join(', ')})`);
      }
    } else if (external.length === 1) {
      network = external[0]!;
    } else {
      throw new CloudError('invalid', `${region.name} has ${external.length} external networks; name the one to allocate from`);
    }
    const [address] = await this.#takeAddresses(region, network, 1, call.db);
    const ip: CloudPublicIp = { nativeId: `eip-${randomBytes(8).toString('hex')}`, address: address!, networkNativeId: network.nativeId, instanceNativeId: null, privateAddress: null };
    await call.db.query('INSERT INTO sim_public_ips (region, native_id, address, network) VALUES ($1, $2, $3, $4)', [
      region.nativeName,
      ip.nativeId,
      ip.address,
      ip.networkNativeId,
    ]);
    return ip;
  }

  async associatePublicIp(region: RegionTarget, ipId: string, instanceId: string, call: DriverCall): Promise<CloudPublicIp> {
    await this.fault(region, call);
    const ip = await this.#publicIp(region, ipId, call.db);
    if (ip.instanceNativeId === instanceId) return ip;
    if (ip.instanceNativeId !== null) {
      throw new CloudError('conflict', `public IP ${ip.address} is associated with instance ${ip.instanceNativeId}; disassociate it first`);
    }
    const port = await this.#portOf(region, instanceId, call.db);
    const { rows: held } = await call.db.query<{ address: string }>('SELECT address FROM sim_public_ips WHERE region = $1 AND instance = $2', [
      region.nativeName,
      instanceId,
    ]);
    if (held[0]) throw new CloudError('conflict', `instance ${instanceId} already has public IP ${held[0].address}; an instance has one at most`);
    const { rows } = await call.db.query<CloudPublicIp>(
      `UPDATE sim_public_ips SET instance = $3, private_address = $4 WHERE region = $1 AND native_id = $2 RETURNING ${ipColumns}`,
      [region.nativeName, ipId, instanceId, port.address],
    );
    return rows[0]!;
  }

  async disassociatePublicIp(region: RegionTarget, ipId: string, call: DriverCall): Promise<void> {
    await this.fault(region, call);
    const ip = await this.#publicIp(region, ipId, call.db);
    if (ip.instanceNativeId === null) throw new CloudError('conflict', `public IP ${ip.address} is not associated with any instance`);
    await call.db.query('UPDATE sim_public_ips SET instance = NULL, private_address = NULL WHERE region = $1 AND native_id = $2', [region.nativeName, ipId]);
  }

  async releasePublicIp(region: RegionTarget, ipId: string, call: DriverCall): Promise<void> {
    await this.fault(region, call);
    const ip = await this.#publicIp(region, ipId, call.db);
    if (ip.instanceNativeId !== null) {
      throw new CloudError('conflict', `public IP ${ip.address} is associated with instance ${ip.instanceNativeId}; disassociate it before releasing it`);
    }
    await call.db.query('DELETE FROM sim_public_ips WHERE region = $1 AND native_id = $2', [region.nativeName, ipId]);
  }

  /** Moves a VM's interface to another private network: a new private address there; its public address follows. */
  async moveInstanceToNetwork(region: RegionTarget, instanceId: string, networkId: string, call: DriverCall): Promise<void> {
    await this.fault(region, call);
    const network = this.#joinable(region, await this.#networks(region, call.db), networkId);
    const port = await this.#portOf(region, instanceId, call.db);
    if (port.network === network.nativeId) return;
    const [address] = await this.#takeAddresses(region, network, 1, call.db);
    await call.db.query('UPDATE sim_ports SET network = $3, address = $4 WHERE region = $1 AND instance = $2', [region.nativeName, instanceId, network.nativeId, address]);
    await call.db.query('UPDATE sim_public_ips SET private_address = $3 WHERE region = $1 AND instance = $2', [region.nativeName, instanceId, address]);
  }

  /** The region's networks, made on first use (regions prepared before the simulator had networks have none yet). */
  async #networks(region: RegionTarget, db: Queryable): Promise<NetworkRow[]> {
    const select = () => db.query<NetworkRow>(`SELECT ${networkColumns} FROM sim_networks WHERE region = $1 ORDER BY vlan_id`, [region.nativeName]);
    const { rows } = await select();
    if (rows.length > 0) return rows;
    await db.query(
      `INSERT INTO sim_networks (region, native_id, name, vlan_id, external, shared, cidr)
       SELECT $1, x."nativeId", x.name, x."vlanId", x.external, x.shared, x.cidr
         FROM jsonb_to_recordset($2::jsonb) AS x("nativeId" text, name text, "vlanId" integer, external boolean, shared boolean, cidr text)
       ON CONFLICT (region, name) DO NOTHING`,
      [region.nativeName, JSON.stringify(defaultNetworks.map((n) => ({ ...n, nativeId: `net-${randomBytes(8).toString('hex')}` })))],
    );
    return (await select()).rows;
  }

  #find(region: RegionTarget, networks: readonly NetworkRow[], networkId: string): NetworkRow {
    const network = networks.find((n) => n.nativeId === networkId);
    if (!network) throw new CloudError('not_found', `network ${networkId} does not exist in ${region.name}`);
    return network;
  }

  #joinable(region: RegionTarget, networks: readonly NetworkRow[], networkId: string): NetworkRow {
    const network = this.#find(region, networks, networkId);
    if (network.external) {
      throw new CloudError('invalid', `network ${network.name} is external: instances join private networks and get a public IP from it instead`);
    }
    return network;
  }

  /** The next `count` host addresses of a network; the row lock makes concurrent calls take turns. */
  async #takeAddresses(region: RegionTarget, network: NetworkRow, count: number, db: Queryable): Promise<string[]> {
    const block = parseCidr(network.cidrs[0]!);
    const { rows } = await db.query<{ first: string }>(
      `UPDATE sim_networks SET next_host = next_host + $3 WHERE region = $1 AND native_id = $2 AND next_host + $3 - 1 <= $4
       RETURNING next_host - $3 AS first`,
      [region.nativeName, network.nativeId, count, lastHost(block)],
    );
    if (!rows[0]) throw new CloudError('capacity', `network ${network.name} of ${region.name} has no ${count === 1 ? 'free address' : `${count} free addresses`} left`);
    const first = Number(rows[0].first);
    return Array.from({ length: count }, (_, i) => hostAddress(block, first + i));
  }

  async #publicIp(region: RegionTarget, id: string, db: Queryable): Promise<CloudPublicIp> {
    const { rows } = await db.query<CloudPublicIp>(`SELECT ${ipColumns} FROM sim_public_ips WHERE region = $1 AND native_id = $2`, [region.nativeName, id]);
    if (!rows[0]) throw new CloudError('not_found', `public IP ${id} does not exist in ${region.name}`);
    return rows[0];
  }

  /** A settled VM's interface; one created before the simulator had networks gets one on the first private network now. */
  async #portOf(region: RegionTarget, instanceId: string, db: Queryable): Promise<{ network: string; address: string }> {
    const { rows: vm } = await db.query<{ state: string }>('SELECT state FROM sim_vms WHERE region = $1 AND native_id = $2', [region.nativeName, instanceId]);
    if (!vm[0] || vm[0].state === 'terminated') throw new CloudError('not_found', `instance ${instanceId} does not exist in ${region.name}`);
    if (!settled.includes(vm[0].state)) throw new CloudError('conflict', `instance ${instanceId} is ${vm[0].state}; it can be given an address or moved once it is running or stopped`);
    const select = () => db.query<{ network: string; address: string }>('SELECT network, address FROM sim_ports WHERE region = $1 AND instance = $2', [region.nativeName, instanceId]);
    const { rows } = await select();
    if (rows[0]) return rows[0];
    await this.addPorts(region, await this.networkForRun(region, null, db), [instanceId], db);
    return (await select()).rows[0]!;
  }
}
