import type { Clock } from '../../domain/clock.js';
import type { InstanceAction } from '../../domain/instance-lifecycle.js';
import type { InstanceState } from '../../protocol/compute.js';
import {
  CloudError,
  type CloudImage,
  type CloudInstance,
  type CloudKeyPair,
  type CloudNetwork,
  type CloudPublicIp,
  type CloudSecurityGroup,
  type CloudShape,
  type CloudVolume,
  type Driver,
  type DriverCall,
  type DriverCapabilities,
  type KeyPairOperations,
  type NetworkOperations,
  type PublicIpOperations,
  type RegionTarget,
  type ResizeOperations,
  type ResizeRequest,
  type ChangeFeed,
  type RunRequest,
  type SecurityGroupOperations,
  type ShapeOperations,
  type StateReport,
} from '../driver.js';
import { defaultRetryPolicy, type RetryPolicy } from '../retry.js';
import { OpenStackClient } from './client.js';
import { ComputeApi } from './compute.js';
import { parseOpenStackConfig, tenantLogin, type OpenStackRegionConfig } from './config.js';
import { Http } from './http.js';
import { IdentitySession } from './identity.js';
import { keyPairName } from './keys.js';
import { followServerChanges } from './notifications.js';
import { instanceOf } from './parse/compute.js';
import { imageOf } from './parse/image.js';
import { ProjectApis } from './project.js';
import { resolveShape, runServers } from './run.js';

export interface OpenStackDeps {
  clock: Clock;
  retry?: RetryPolicy;
}

/** Starting an action: Nova's request, and the state the platform shows until Nova reports the end. */
const actions: Record<InstanceAction, { request: Record<string, unknown> | 'delete'; via: InstanceState }> = {
  start: { request: { 'os-start': null }, via: 'starting' },
  stop: { request: { 'os-stop': null }, via: 'stopping' },
  reboot: { request: { reboot: { type: 'SOFT' } }, via: 'rebooting' },
  terminate: { request: 'delete', via: 'shutting-down' },
};

/**
 * One OpenStack region (Keystone v3, Nova, Glance, Neutron, and Cinder where the catalog has
 * it). Build it with `OpenStackDriver.connect(config, { clock })`: one instance per region
 * config, no state shared with any other, so an agent runs one per region it serves. A call works
 * in the project of its tenant (the region's `tenants` mapping), else in the region's project.
 */
export class OpenStackDriver
  implements Driver, ShapeOperations, NetworkOperations, SecurityGroupOperations, PublicIpOperations, KeyPairOperations, ResizeOperations, ChangeFeed
{
  readonly cloud = 'OPEN_STACK' as const;
  readonly capabilities: DriverCapabilities;
  readonly #region: ProjectApis;
  /** The mapped tenants' projects, each logged in on first use. */
  readonly #tenants = new Map<string, ProjectApis>();

  // The settings hold the password or secret: kept private, never handed out.
  private constructor(
    private readonly config: OpenStackRegionConfig,
    private readonly clock: Clock,
    private readonly http: Http,
    client: OpenStackClient,
    readonly computeVersion: string,
    hasVolumes: boolean,
  ) {
    this.#region = new ProjectApis(client, config, clock, null);
    this.capabilities = OpenStackDriver.capabilitiesWith(hasVolumes);
  }

  /** What an OpenStack region offers; volumes only where the catalog has block storage. */
  static capabilitiesWith(volumes: boolean): DriverCapabilities {
    return {
      billingGranularity: 'second',
      customShapes: false,
      volumes,
      images: true,
      tagMatching: 'case-insensitive',
      reservedTagPrefixes: [],
      maxInstancesPerRun: 100,
      optional: ['shapes', 'networks', 'securityGroups', 'publicIps', 'keyPairs', 'resize'],
    };
  }

  /**
   * Checks the settings, logs in (a real token request: wrong credentials fail here, with
   * Keystone's words), negotiates the compute microversion and looks for block storage.
   */
  static async connect(settings: unknown, deps: OpenStackDeps, signal?: AbortSignal): Promise<OpenStackDriver> {
    const config = parseOpenStackConfig(settings);
    const http = new Http({ caBundle: config.caBundle, requestMs: config.timeouts.requestMs, clock: deps.clock, retry: deps.retry ?? defaultRetryPolicy });
    try {
      const client = new OpenStackClient(config, http, new IdentitySession(config, http, deps.clock));
      const version = await new ComputeApi(client, config.pageSize).negotiate(signal);
      const hasVolumes = (await client.endpoint('block-storage', signal)) !== null;
      return new OpenStackDriver(config, deps.clock, http, client, version, hasVolumes);
    } catch (error) {
      await http.close();
      throw error;
    }
  }

  /** Closes the connections to the cloud. */
  close(): Promise<void> {
    return this.http.close();
  }

  async prepareRegion(region: RegionTarget, call: DriverCall): Promise<CloudImage[]> {
    this.#serves(region);
    return (await this.#project(call).images.listImages({ visibility: 'public', status: 'active' }, call.signal)).map(imageOf);
  }

  async runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]> {
    this.#serves(region);
    const { compute } = this.#project(call);
    const shape = await resolveShape(compute, request, call.signal);
    const keyName = request.publicKey ? (await this.importKeyPair(region, request.publicKey, call)).nativeName : null;
    return runServers(compute, request, shape, keyName, call);
  }

  async instanceAction(region: RegionTarget, nativeId: string, action: InstanceAction, call: DriverCall): Promise<InstanceState> {
    this.#serves(region);
    const { request, via } = actions[action];
    const { compute } = this.#project(call);
    if (request === 'delete') await compute.deleteServer(nativeId, call.signal);
    else await compute.action(nativeId, request, call.signal);
    return via;
  }

  /**
   * Follows Nova's versioned notifications when the region's settings name the cloud's broker;
   * without them it returns at once and polling alone sees changes.
   */
  async followChanges(region: RegionTarget, onChange: (nativeId: string) => void, signal: AbortSignal): Promise<void> {
    this.#serves(region);
    if (!this.config.notifications) return;
    await followServerChanges(this.config.notifications, onChange, signal, { clock: this.clock });
  }

  /**
   * The servers changed since the last poll (Nova's changes-since, which includes deleted
   * servers), on the cloud's clock: the newest `updated` seen is where the next poll starts.
   * Each project keeps its own point. Comparing inclusively, the newest is reported again:
   * harmless, a repeated state is no change.
   */
  async pollStates(region: RegionTarget, call: DriverCall): Promise<StateReport[]> {
    this.#serves(region);
    const polls = await Promise.all(
      this.#everyProject().map(async (project) => {
        const servers = await project.compute.listServers({ ...(project.since ? { changesSince: project.since } : {}), signal: call.signal });
        for (const server of servers) if (server.updated && (!project.since || server.updated > project.since)) project.since = server.updated;
        return servers;
      }),
    );
    return polls.flat().map((server) => {
      const { state } = instanceOf(server);
      return { nativeId: server.id, state, reason: state === 'error' ? (server.fault?.message ?? 'the cloud reports an error') : null };
    });
  }

  async listInstances(region: RegionTarget, call: DriverCall): Promise<CloudInstance[]> {
    this.#serves(region);
    // All or nothing: a project that cannot be listed fails the listing, which then marks nothing gone.
    const listings = await Promise.all(this.#everyProject().map(async (project) => ({ project, servers: await project.compute.listServers({ signal: call.signal }) })));
    const seen = new Set<string>();
    const instances: CloudInstance[] = [];
    for (const { project, servers } of listings) {
      for (const server of servers) {
        if (seen.has(server.id)) continue;
        seen.add(server.id);
        const vm = instanceOf(server);
        if (vm.state !== 'terminated') instances.push(project.tenant ? { ...vm, tenant: project.tenant } : vm);
      }
    }
    return instances;
  }

  async setInstanceTags(region: RegionTarget, nativeId: string, tags: Record<string, string>, call: DriverCall): Promise<void> {
    this.#serves(region);
    await this.#project(call).compute.setMetadata(nativeId, tags, call.signal);
  }

  async createVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: DriverCall): Promise<CloudVolume> {
    this.#serves(region);
    return this.#project(call).waits.createVolume(request, call.signal);
  }

  async attachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    await this.#project(call).waits.attachVolume(volumeNativeId, instanceNativeId, call.signal);
  }

  async detachVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    await this.#project(call).waits.detachVolume(volumeNativeId, call.signal);
  }

  async deleteVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    await this.#project(call).volumes.deleteVolume(volumeNativeId, call.signal);
  }

  /** Captures the server's disk; returns once Nova is done with it (src/clouds/openstack/waits.ts). */
  async createImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: DriverCall): Promise<CloudImage> {
    this.#serves(region);
    return this.#project(call).waits.capture(request.instanceNativeId, request.name, request.catalog, call.signal);
  }

  async deleteImage(region: RegionTarget, imageNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    await this.#project(call).images.deleteImage(imageNativeId, call.signal);
  }

  // Optional operations (declared in capabilities.optional).

  async listShapes(region: RegionTarget, call: DriverCall): Promise<CloudShape[]> {
    this.#serves(region);
    return this.#project(call).compute.listFlavors(call.signal);
  }

  async listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]> {
    this.#serves(region);
    return this.#project(call).network.listNetworks({}, call.signal);
  }

  async listSecurityGroups(region: RegionTarget, call: DriverCall): Promise<CloudSecurityGroup[]> {
    this.#serves(region);
    return this.#project(call).network.listSecurityGroups(call.signal);
  }

  listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]> {
    this.#serves(region);
    return this.#project(call).publicIps.list(call.signal);
  }

  allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp> {
    this.#serves(region);
    return this.#project(call).publicIps.allocate(request.networkNativeId, call.signal);
  }

  associatePublicIp(region: RegionTarget, ipNativeId: string, instanceNativeId: string, call: DriverCall): Promise<CloudPublicIp> {
    this.#serves(region);
    return this.#project(call).publicIps.associate(ipNativeId, instanceNativeId, call.signal);
  }

  disassociatePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    return this.#project(call).publicIps.disassociate(ipNativeId, call.signal);
  }

  releasePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    this.#serves(region);
    return this.#project(call).publicIps.release(ipNativeId, call.signal);
  }

  /** Imports the key under a name derived from it; a key imported before is found, not copied. */
  async importKeyPair(region: RegionTarget, publicKey: string, call: DriverCall): Promise<CloudKeyPair> {
    this.#serves(region);
    const name = keyPairName(publicKey);
    const { compute } = this.#project(call);
    const known = await compute.findKeyPair(name, call.signal);
    if (known) return { nativeName: known.name, fingerprint: known.fingerprint };
    try {
      const created = await compute.importKeyPair(name, publicKey.trim(), call.signal);
      return { nativeName: created.name, fingerprint: created.fingerprint };
    } catch (error) {
      // Another call imported the same key in between: it is there now.
      const raced = error instanceof CloudError && error.reason === 'conflict' ? await compute.findKeyPair(name, call.signal) : null;
      if (!raced) throw error;
      return { nativeName: raced.name, fingerprint: raced.fingerprint };
    }
  }

  /** Resizes and confirms the resize, waiting for both (src/clouds/openstack/waits.ts). */
  async resizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: DriverCall): Promise<CloudInstance> {
    this.#serves(region);
    const project = this.#project(call);
    return project.waits.resize(nativeId, await resolveShape(project.compute, request, call.signal), call.signal);
  }

  /** The project a call works in: its tenant's, where the region maps the tenant to one. */
  #project(call: Pick<DriverCall, 'tenant'>): ProjectApis {
    const tenant = call.tenant?.toUpperCase();
    if (!tenant) return this.#region;
    const known = this.#tenants.get(tenant);
    if (known) return known;
    const login = tenantLogin(this.config, tenant);
    if (!login) return this.#region;
    const client = new OpenStackClient(this.config, this.http, new IdentitySession(login, this.http, this.clock));
    client.useComputeVersion(this.computeVersion);
    const project = new ProjectApis(client, this.config, this.clock, tenant);
    this.#tenants.set(tenant, project);
    return project;
  }

  /** Every project the region covers: the mapped tenants' first, so a project mapped to a tenant is listed as that tenant's. */
  #everyProject(): ProjectApis[] {
    return [...Object.keys(this.config.tenants).map((tenant) => this.#project({ tenant })), this.#region];
  }

  /** One driver serves one region: a call for another is a wiring mistake, said plainly. */
  #serves(region: RegionTarget): void {
    if (region.nativeName !== this.config.region) {
      throw new CloudError('invalid', `this OpenStack driver serves region ${this.config.region} of ${this.config.authUrl}; it was asked about ${region.nativeName}`);
    }
  }
}

/**
 * Checks region settings against the cloud itself: a real token request and the compute API's
 * versions. Resolves with what was found; rejects with a CloudError in the cloud's words.
 */
export async function validateOpenStackConfig(
  settings: unknown,
  deps: OpenStackDeps,
  signal?: AbortSignal,
): Promise<{ computeVersion: string; volumes: boolean }> {
  const driver = await OpenStackDriver.connect(settings, deps, signal);
  await driver.close();
  return { computeVersion: driver.computeVersion, volumes: driver.capabilities.volumes };
}
