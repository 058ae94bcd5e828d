import { randomBytes } from 'node:crypto';
import type { InstanceState } from '../../protocol/compute.js';
import { instanceActions, type InstanceAction } from '../../domain/instance-lifecycle.js';
import type { Queryable } from '../../store/database.js';
import {
  CloudError,
  type CloudImage,
  type CloudInstance,
  type CloudNetwork,
  type CloudPublicIp,
  type CloudVolume,
  type Driver,
  type DriverCall,
  type NetworkMoveOperations,
  type NetworkOperations,
  type PublicIpOperations,
  type RegionTarget,
  type ResizeOperations,
  type ResizeRequest,
  type RunRequest,
  type StateReport,
  PartialRunError,
} from '../driver.js';
import { defaultRegionCapacity, publicImages } from './catalog.js';
import { enact, FaultPlan, type SimOperation } from './faults.js';
import { SimNetworking } from './networks.js';

const nativeId = (prefix: string) => `${prefix}-${randomBytes(8).toString('hex')}`;

export interface SimRegionSettings {
  cpu: number;
  ramMb: number;
  diskGb: number;
  latencyMs: number;
}

const vmColumns = `native_id AS "nativeId", name, state, cpu, ram_mb AS "ramMb", disk_gb AS "diskGb",
  image AS "imageNativeId", tags, launched_at AS "launchedAt"`;

/**
 * The built-in simulated private cloud: a real driver with its own persistent state (the `sim_`
 * tables), VDC capacity per region, transitions that complete after a latency, and injectable
 * faults. It is what the embedded default and the tests run against, and the example to follow
 * when writing a driver for a real cloud.
 */
export class SimulatedCloud implements Driver, ResizeOperations, NetworkOperations, PublicIpOperations, NetworkMoveOperations {
  readonly cloud = 'SIMULATED' as const;
  readonly capabilities = {
    billingGranularity: 'second',
    customShapes: true,
    volumes: true,
    images: true,
    tagMatching: 'case-insensitive',
    reservedTagPrefixes: [],
    maxInstancesPerRun: 500,
    // Its listing reads the caller's own transaction: what it lacks is gone.
    listingsBeforeVanished: 1,
    optional: ['resize', 'networks', 'publicIps', 'networkMoves'],
  } as const;
  readonly faults = new FaultPlan();
  readonly #networking = new SimNetworking((region, call) => this.#fault(region, 'network', call));

  constructor(private readonly defaults: { latencyMs: number }) {}

  async prepareRegion(region: RegionTarget, call: DriverCall): Promise<CloudImage[]> {
    await call.db.query(
      `INSERT INTO sim_regions (native_name, cpu, ram_mb, disk_gb, latency_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (native_name) DO NOTHING`,
      [region.nativeName, defaultRegionCapacity.cpu, defaultRegionCapacity.ramMb, defaultRegionCapacity.diskGb, this.defaults.latencyMs],
    );
    const { rows: existing } = await call.db.query<CloudImage>(
      `SELECT native_id AS "nativeId", name, os, min_disk_gb AS "minDiskGb" FROM sim_images WHERE region = $1 AND catalog = 'public'`,
      [region.nativeName],
    );
    if (existing.length > 0) return existing;
    const images = publicImages.map((image) => ({ ...image, nativeId: nativeId('img') }));
    await call.db.query(
      `INSERT INTO sim_images (region, native_id, catalog, name, os, min_disk_gb)
       SELECT $1, x."nativeId", 'public', x.name, x.os, x."minDiskGb"
         FROM jsonb_to_recordset($2::jsonb) AS x("nativeId" text, name text, os text, "minDiskGb" integer)`,
      [region.nativeName, JSON.stringify(images)],
    );
    return images;
  }

  /** Changes a region's capacity or latency (administrators, tests). */
  async configureRegion(db: Queryable, nativeName: string, settings: Partial<SimRegionSettings>): Promise<SimRegionSettings> {
    const { rows } = await db.query<SimRegionSettings>(
      `UPDATE sim_regions SET cpu = COALESCE($2, cpu), ram_mb = COALESCE($3, ram_mb), disk_gb = COALESCE($4, disk_gb),
         latency_ms = COALESCE($5, latency_ms) WHERE native_name = $1
       RETURNING cpu, ram_mb AS "ramMb", disk_gb AS "diskGb", latency_ms AS "latencyMs"`,
      [nativeName, settings.cpu ?? null, settings.ramMb ?? null, settings.diskGb ?? null, settings.latencyMs ?? null],
    );
    if (!rows[0]) throw new CloudError('not_found', `the simulator has no region ${nativeName}`);
    return rows[0];
  }

  async runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]> {
    const fault = await this.#fault(region, 'run', call);
    const settings = await this.#lockRegion(region, call.db);
    const count = request.names.length;
    await this.#ensureCapacity(region, settings, { cpu: request.cpu * count, ramMb: request.ramMb * count, diskGb: request.diskGb * count }, call.db);
    const { rows: image } = await call.db.query('SELECT 1 FROM sim_images WHERE region = $1 AND native_id = $2', [
      region.nativeName,
      request.imageNativeId,
    ]);
    if (image.length === 0) throw new CloudError('not_found', `image ${request.imageNativeId} does not exist in ${region.name}`);
    const network = await this.#networking.networkForRun(region, request.networkNativeId, call.db);

    const created = fault?.kind === 'partial' ? Math.min(fault.createdBefore ?? 0, count) : count;
    const vms = request.names.slice(0, created).map((name) => ({ nativeId: nativeId('i'), name }));
    const { rows } = await call.db.query<CloudInstance>(
      `INSERT INTO sim_vms (region, native_id, name, state, cpu, ram_mb, disk_gb, image, public_key, user_data, tags, launched_at, due_at)
       SELECT $1, x."nativeId", x.name, 'pending', $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $9::timestamptz + make_interval(secs => $10::double precision / 1000)
         FROM jsonb_to_recordset($11::jsonb) AS x("nativeId" text, name text)
       RETURNING ${vmColumns}`,
      [
        region.nativeName,
        request.cpu,
        request.ramMb,
        request.diskGb,
        request.imageNativeId,
        request.publicKey,
        request.userData,
        JSON.stringify(request.tags),
        call.now.toISOString(),
        settings.latencyMs,
        JSON.stringify(vms),
      ],
    );
    await this.#networking.addPorts(region, network, rows.map((vm) => vm.nativeId), call.db);
    if (created < count) {
      throw new PartialRunError(rows, `the simulated cloud failed after creating ${created} of ${count} instances`);
    }
    return rows;
  }

  async instanceAction(region: RegionTarget, id: string, action: InstanceAction, call: DriverCall): Promise<InstanceState> {
    await this.#fault(region, action, call);
    const settings = await this.#settings(region, call.db);
    const rule = instanceActions[action];
    const { rows } = await call.db.query<{ state: InstanceState }>(
      `UPDATE sim_vms SET state = $3, reported = true,
              due_at = $4::timestamptz + make_interval(secs => $5::double precision / 1000)
        WHERE region = $1 AND native_id = $2 AND state = ANY($6::text[])
        RETURNING state`,
      [region.nativeName, id, rule.via, call.now.toISOString(), settings.latencyMs, rule.from],
    );
    if (rows[0]) return rows[0].state;
    const { rows: current } = await call.db.query<{ state: string }>('SELECT state FROM sim_vms WHERE region = $1 AND native_id = $2', [
      region.nativeName,
      id,
    ]);
    if (!current[0]) throw new CloudError('not_found', `instance ${id} does not exist in ${region.name}`);
    throw new CloudError('conflict', `instance ${id} is ${current[0].state}; the cloud cannot ${action} it`);
  }

  async pollStates(region: RegionTarget, call: DriverCall): Promise<StateReport[]> {
    const { rows } = await call.db.query<StateReport>(
      `UPDATE sim_vms SET
          state = CASE WHEN due_at IS NOT NULL AND due_at <= $2 THEN
                    CASE state WHEN 'stopping' THEN 'stopped' WHEN 'shutting-down' THEN 'terminated' ELSE 'running' END
                  ELSE state END,
          due_at = CASE WHEN due_at IS NOT NULL AND due_at <= $2 THEN NULL ELSE due_at END,
          reported = true
        WHERE region = $1 AND ((due_at IS NOT NULL AND due_at <= $2) OR NOT reported)
        RETURNING native_id AS "nativeId", state, CASE WHEN state IN ('error', 'stopped') AND due_at IS NULL THEN 'reported by the cloud' END AS reason`,
      [region.nativeName, call.now.toISOString()],
    );
    await this.#networking.freeInstances(region, rows.filter((row) => row.state === 'terminated').map((row) => row.nativeId), call.db);
    return rows.map((row) => ({ ...row, reason: row.reason ?? null }));
  }

  async listInstances(region: RegionTarget, call: DriverCall): Promise<CloudInstance[]> {
    const { rows } = await call.db.query<CloudInstance>(
      `SELECT ${vmColumns} FROM sim_vms WHERE region = $1 AND state <> 'terminated'`,
      [region.nativeName],
    );
    return rows;
  }

  /**
   * Moves a running or stopped instance to another size at once (nothing to migrate here), within
   * the region's capacity; the disk can grow, never shrink.
   */
  async resizeInstance(region: RegionTarget, id: string, request: ResizeRequest, call: DriverCall): Promise<CloudInstance> {
    await this.#fault(region, 'resize', call);
    const settings = await this.#lockRegion(region, call.db);
    const { rows: found } = await call.db.query<CloudInstance>(`SELECT ${vmColumns} FROM sim_vms WHERE region = $1 AND native_id = $2`, [region.nativeName, id]);
    const vm = found[0];
    if (!vm || vm.state === 'terminated') throw new CloudError('not_found', `instance ${id} does not exist in ${region.name}`);
    if (vm.state !== 'running' && vm.state !== 'stopped') throw new CloudError('conflict', `instance ${id} is ${vm.state}; the cloud resizes running or stopped instances only`);
    const diskGb = Math.max(vm.diskGb, request.diskGb);
    await this.#ensureCapacity(region, settings, { cpu: request.cpu, ramMb: request.ramMb, diskGb }, call.db, id);
    const { rows } = await call.db.query<CloudInstance>(
      `UPDATE sim_vms SET cpu = $3, ram_mb = $4, disk_gb = $5 WHERE region = $1 AND native_id = $2 RETURNING ${vmColumns}`,
      [region.nativeName, id, request.cpu, request.ramMb, diskGb],
    );
    return rows[0]!;
  }

  listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]> {
    return this.#networking.listNetworks(region, call);
  }

  listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]> {
    return this.#networking.listPublicIps(region, call);
  }

  allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp> {
    return this.#networking.allocatePublicIp(region, request, call);
  }

  associatePublicIp(region: RegionTarget, ipNativeId: string, instanceNativeId: string, call: DriverCall): Promise<CloudPublicIp> {
    return this.#networking.associatePublicIp(region, ipNativeId, instanceNativeId, call);
  }

  disassociatePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    return this.#networking.disassociatePublicIp(region, ipNativeId, call);
  }

  releasePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    return this.#networking.releasePublicIp(region, ipNativeId, call);
  }

  moveInstanceToNetwork(region: RegionTarget, instanceNativeId: string, networkNativeId: string, call: DriverCall): Promise<void> {
    return this.#networking.moveInstanceToNetwork(region, instanceNativeId, networkNativeId, call);
  }

  async setInstanceTags(region: RegionTarget, id: string, tags: Record<string, string>, call: DriverCall): Promise<void> {
    const { rowCount } = await call.db.query('UPDATE sim_vms SET tags = $3::jsonb WHERE region = $1 AND native_id = $2', [
      region.nativeName,
      id,
      JSON.stringify(tags),
    ]);
    if (rowCount === 0) throw new CloudError('not_found', `instance ${id} does not exist in ${region.name}`);
  }

  async createVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: DriverCall): Promise<CloudVolume> {
    await this.#fault(region, 'volume', call);
    await this.#lockRegion(region, call.db);
    const volume = { nativeId: nativeId('vol'), name: request.name, sizeGb: request.sizeGb, attachedTo: null };
    await call.db.query('INSERT INTO sim_volumes (region, native_id, name, size_gb) VALUES ($1, $2, $3, $4)', [
      region.nativeName,
      volume.nativeId,
      volume.name,
      volume.sizeGb,
    ]);
    return volume;
  }

  async attachVolume(region: RegionTarget, volumeId: string, instanceId: string, call: DriverCall): Promise<void> {
    await this.#fault(region, 'volume', call);
    const volume = await this.#volume(region, volumeId, call.db);
    if (volume.attachedTo) throw new CloudError('conflict', `volume ${volumeId} is already attached to ${volume.attachedTo}`);
    const { rows } = await call.db.query<{ state: string }>('SELECT state FROM sim_vms WHERE region = $1 AND native_id = $2', [
      region.nativeName,
      instanceId,
    ]);
    if (!rows[0] || rows[0].state === 'terminated') throw new CloudError('not_found', `instance ${instanceId} does not exist in ${region.name}`);
    await call.db.query('UPDATE sim_volumes SET attached_to = $3 WHERE region = $1 AND native_id = $2', [region.nativeName, volumeId, instanceId]);
  }

  async detachVolume(region: RegionTarget, volumeId: string, call: DriverCall): Promise<void> {
    await this.#fault(region, 'volume', call);
    const volume = await this.#volume(region, volumeId, call.db);
    if (!volume.attachedTo) throw new CloudError('conflict', `volume ${volumeId} is not attached`);
    await call.db.query('UPDATE sim_volumes SET attached_to = NULL WHERE region = $1 AND native_id = $2', [region.nativeName, volumeId]);
  }

  async deleteVolume(region: RegionTarget, volumeId: string, call: DriverCall): Promise<void> {
    await this.#fault(region, 'volume', call);
    const volume = await this.#volume(region, volumeId, call.db);
    if (volume.attachedTo) throw new CloudError('conflict', `volume ${volumeId} is attached to ${volume.attachedTo}; detach it first`);
    await call.db.query('DELETE FROM sim_volumes WHERE region = $1 AND native_id = $2', [region.nativeName, volumeId]);
  }

  async createImage(
    region: RegionTarget,
    request: { instanceNativeId: string; name: string; catalog: string },
    call: DriverCall,
  ): Promise<CloudImage> {
    await this.#fault(region, 'image', call);
    const { rows: vm } = await call.db.query<{ image: string | null; diskGb: number }>(
      `SELECT image, disk_gb AS "diskGb" FROM sim_vms WHERE region = $1 AND native_id = $2 AND state <> 'terminated'`,
      [region.nativeName, request.instanceNativeId],
    );
    if (!vm[0]) throw new CloudError('not_found', `instance ${request.instanceNativeId} does not exist in ${region.name}`);
    const { rows: taken } = await call.db.query('SELECT 1 FROM sim_images WHERE region = $1 AND catalog = $2 AND name = $3', [
      region.nativeName,
      request.catalog,
      request.name,
    ]);
    if (taken.length > 0) throw new CloudError('conflict', `the catalog already holds an image named ${request.name}`);
    const { rows: source } = await call.db.query<{ os: string }>('SELECT os FROM sim_images WHERE region = $1 AND native_id = $2', [
      region.nativeName,
      vm[0].image,
    ]);
    const image: CloudImage = { nativeId: nativeId('img'), name: request.name, os: source[0]?.os ?? 'linux', minDiskGb: vm[0].diskGb };
    await call.db.query('INSERT INTO sim_images (region, native_id, catalog, name, os, min_disk_gb) VALUES ($1, $2, $3, $4, $5, $6)', [
      region.nativeName,
      image.nativeId,
      request.catalog,
      image.name,
      image.os,
      image.minDiskGb,
    ]);
    return image;
  }

  async deleteImage(region: RegionTarget, imageId: string, call: DriverCall): Promise<void> {
    await this.#fault(region, 'image', call);
    const { rowCount } = await call.db.query(`DELETE FROM sim_images WHERE region = $1 AND native_id = $2 AND catalog <> 'public'`, [
      region.nativeName,
      imageId,
    ]);
    if (rowCount === 0) throw new CloudError('not_found', `image ${imageId} does not exist in a private catalog of ${region.name}`);
  }

  // What happens in the simulated data centre without Maestro: for discovery and fault tests.

  /** A VM created directly in the cloud (someone used the hypervisor's own console). */
  async createOutsideMaestro(db: Queryable, region: RegionTarget, vms: Array<{ name: string; cpu: number; ramMb: number; tags?: Record<string, string> }>, now: Date): Promise<string[]> {
    const rows = vms.map((vm) => ({ nativeId: nativeId('i'), name: vm.name, cpu: vm.cpu, ramMb: vm.ramMb, tags: vm.tags ?? {} }));
    await db.query(
      `INSERT INTO sim_vms (region, native_id, name, state, cpu, ram_mb, disk_gb, tags, launched_at)
       SELECT $1, x."nativeId", x.name, 'running', x.cpu, x."ramMb", 10, x.tags, $2
         FROM jsonb_to_recordset($3::jsonb) AS x("nativeId" text, name text, cpu integer, "ramMb" integer, tags jsonb)`,
      [region.nativeName, now.toISOString(), JSON.stringify(rows)],
    );
    return rows.map((row) => row.nativeId);
  }

  /** A VM that disappears from the cloud without Maestro being told. */
  async destroyOutsideMaestro(db: Queryable, region: RegionTarget, ids: readonly string[]): Promise<number> {
    const { rowCount } = await db.query('DELETE FROM sim_vms WHERE region = $1 AND native_id = ANY($2::text[])', [region.nativeName, ids]);
    await this.#networking.freeInstances(region, ids, db);
    return rowCount;
  }

  /** A VM that dies (host failure): it goes to `error` and the next poll reports it. */
  async kill(db: Queryable, region: RegionTarget, id: string): Promise<void> {
    const { rowCount } = await db.query(
      `UPDATE sim_vms SET state = 'error', due_at = NULL, reported = false WHERE region = $1 AND native_id = $2 AND state <> 'terminated'`,
      [region.nativeName, id],
    );
    if (rowCount === 0) throw new CloudError('not_found', `instance ${id} does not exist in ${region.name}`);
  }

  async #fault(region: RegionTarget, operation: SimOperation, call: DriverCall) {
    const fault = this.faults.take(region.nativeName, operation);
    if (fault && fault.kind !== 'partial') await enact(fault, operation, call.signal);
    return fault;
  }

  async #settings(region: RegionTarget, db: Queryable, lock = false): Promise<SimRegionSettings> {
    const { rows } = await db.query<SimRegionSettings>(
      `SELECT cpu, ram_mb AS "ramMb", disk_gb AS "diskGb", latency_ms AS "latencyMs" FROM sim_regions WHERE native_name = $1${lock ? ' FOR UPDATE' : ''}`,
      [region.nativeName],
    );
    if (!rows[0]) throw new CloudError('not_found', `the simulator has no region ${region.nativeName}`);
    return rows[0];
  }

  /** Capacity checks serialise per region, so two runs cannot both take the last free vCPU. */
  /** Refuses, naming each shortfall, what the region's capacity cannot hold besides its other instances (all but `excluding`). */
  async #ensureCapacity(region: RegionTarget, settings: SimRegionSettings, need: { cpu: number; ramMb: number; diskGb: number }, db: Queryable, excluding = ''): Promise<void> {
    const { rows } = await db.query<{ cpu: string; ramMb: string; diskGb: string }>(
      `SELECT COALESCE(sum(cpu), 0)::bigint AS cpu, COALESCE(sum(ram_mb), 0)::bigint AS "ramMb", COALESCE(sum(disk_gb), 0)::bigint AS "diskGb"
         FROM sim_vms WHERE region = $1 AND state <> 'terminated' AND native_id <> $2`,
      [region.nativeName, excluding],
    );
    const used = rows[0]!;
    const shortfalls = [
      ['vCPU', settings.cpu - Number(used.cpu), need.cpu],
      ['MB of RAM', settings.ramMb - Number(used.ramMb), need.ramMb],
      ['GB of disk', settings.diskGb - Number(used.diskGb), need.diskGb],
    ].filter(([, free, needed]) => (needed as number) > (free as number));
    if (shortfalls.length > 0) {
      throw new CloudError(
        'capacity',
        `region ${region.name} lacks capacity: ${shortfalls.map(([what, free, needed]) => `${needed} ${what} needed, ${free} free`).join('; ')}`,
      );
    }
  }

  #lockRegion(region: RegionTarget, db: Queryable): Promise<SimRegionSettings> {
    return this.#settings(region, db, true);
  }

  async #volume(region: RegionTarget, id: string, db: Queryable): Promise<CloudVolume> {
    const { rows } = await db.query<CloudVolume>(
      `SELECT native_id AS "nativeId", name, size_gb AS "sizeGb", attached_to AS "attachedTo" FROM sim_volumes WHERE region = $1 AND native_id = $2`,
      [region.nativeName, id],
    );
    if (!rows[0]) throw new CloudError('not_found', `volume ${id} does not exist in ${region.name}`);
    return rows[0];
  }
}
