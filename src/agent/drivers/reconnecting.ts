import {
  CloudError,
  hasChangeFeed,
  supports,
  type ChangeFeed,
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
  type OptionalOperation,
  type OptionalOperations,
  type PublicIpOperations,
  type NetworkMoveOperations,
  type RegionTarget,
  type ResizeRequest,
  type ResizeOperations,
  type RunRequest,
  type SecurityGroupOperations,
  type ShapeOperations,
  type StateReport,
} from '../../clouds/driver.js';
import type { Clock } from '../../domain/clock.js';
import type { InstanceAction } from '../../domain/instance-lifecycle.js';
import type { CloudKind } from '../../protocol/clouds.js';
import type { InstanceState } from '../../protocol/compute.js';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The driver of a region whose cloud could not be reached when the agent started (Keystone down,
 * a network not up yet): the agent serves the region anyway. Each call first connects (trying
 * again at most once per `retryMs`), fails clearly while the cloud is out of reach — polls and
 * listings fail too, so nothing is taken as gone — and once connected forwards everything to the
 * real driver. Until then it declares what the cloud's driver declares before connecting.
 */
export class ReconnectingDriver
  implements Driver, ShapeOperations, NetworkOperations, SecurityGroupOperations, PublicIpOperations, NetworkMoveOperations, KeyPairOperations, ResizeOperations, ChangeFeed
{
  #driver: Driver | null = null;
  #connecting: Promise<Driver> | null = null;
  #failed: { at: number; error: unknown };

  constructor(
    readonly cloud: CloudKind,
    readonly capabilities: DriverCapabilities,
    private readonly connect: () => Promise<Driver>,
    private readonly clock: Clock,
    firstError: unknown,
    private readonly retryMs = 30_000,
  ) {
    this.#failed = { at: clock.now().getTime(), error: firstError };
  }

  /** Whether the real driver is connected. */
  get connected(): boolean {
    return this.#driver !== null;
  }

  #unreachable(): CloudError {
    return new CloudError('api', `the region's cloud cannot be reached: ${messageOf(this.#failed.error)}; the agent tries again every ${Math.round(this.retryMs / 1000)} s`, {
      retryable: true,
    });
  }

  async #ready(): Promise<Driver> {
    if (this.#driver) return this.#driver;
    if (this.clock.now().getTime() - this.#failed.at < this.retryMs) throw this.#unreachable();
    this.#connecting ??= this.connect()
      .then(
        (driver) => (this.#driver = driver),
        (error: unknown) => {
          this.#failed = { at: this.clock.now().getTime(), error };
          throw this.#unreachable();
        },
      )
      .finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  #unsupported(operation: OptionalOperation): CloudError {
    return new CloudError('unsupported', `this region's cloud does not offer ${operation}`);
  }

  async prepareRegion(region: RegionTarget, call: DriverCall): Promise<CloudImage[]> {
    return (await this.#ready()).prepareRegion(region, call);
  }
  async runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]> {
    return (await this.#ready()).runInstances(region, request, call);
  }
  async instanceAction(region: RegionTarget, nativeId: string, action: InstanceAction, call: DriverCall): Promise<InstanceState> {
    return (await this.#ready()).instanceAction(region, nativeId, action, call);
  }
  async pollStates(region: RegionTarget, call: DriverCall): Promise<StateReport[]> {
    return (await this.#ready()).pollStates(region, call);
  }
  async listInstances(region: RegionTarget, call: DriverCall): Promise<CloudInstance[]> {
    return (await this.#ready()).listInstances(region, call);
  }
  async setInstanceTags(region: RegionTarget, nativeId: string, tags: Record<string, string>, call: DriverCall): Promise<void> {
    return (await this.#ready()).setInstanceTags(region, nativeId, tags, call);
  }
  async createVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: DriverCall): Promise<CloudVolume> {
    return (await this.#ready()).createVolume(region, request, call);
  }
  async attachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#ready()).attachVolume(region, volumeNativeId, instanceNativeId, call);
  }
  async detachVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#ready()).detachVolume(region, volumeNativeId, call);
  }
  async deleteVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#ready()).deleteVolume(region, volumeNativeId, call);
  }
  async createImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: DriverCall): Promise<CloudImage> {
    return (await this.#ready()).createImage(region, request, call);
  }
  async deleteImage(region: RegionTarget, imageNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#ready()).deleteImage(region, imageNativeId, call);
  }
  async listShapes(region: RegionTarget, call: DriverCall): Promise<CloudShape[]> {
    return (await this.#offering('shapes')).listShapes(region, call);
  }
  async listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]> {
    return (await this.#offering('networks')).listNetworks(region, call);
  }
  async listSecurityGroups(region: RegionTarget, call: DriverCall): Promise<CloudSecurityGroup[]> {
    return (await this.#offering('securityGroups')).listSecurityGroups(region, call);
  }
  async listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]> {
    return (await this.#offering('publicIps')).listPublicIps(region, call);
  }
  async allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp> {
    return (await this.#offering('publicIps')).allocatePublicIp(region, request, call);
  }
  async associatePublicIp(region: RegionTarget, ipNativeId: string, instanceNativeId: string, call: DriverCall): Promise<CloudPublicIp> {
    return (await this.#offering('publicIps')).associatePublicIp(region, ipNativeId, instanceNativeId, call);
  }
  async disassociatePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#offering('publicIps')).disassociatePublicIp(region, ipNativeId, call);
  }
  async releasePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#offering('publicIps')).releasePublicIp(region, ipNativeId, call);
  }
  async moveInstanceToNetwork(region: RegionTarget, instanceNativeId: string, networkNativeId: string, call: DriverCall): Promise<void> {
    return (await this.#offering('networkMoves')).moveInstanceToNetwork(region, instanceNativeId, networkNativeId, call);
  }
  async importKeyPair(region: RegionTarget, publicKey: string, call: DriverCall): Promise<CloudKeyPair> {
    return (await this.#offering('keyPairs')).importKeyPair(region, publicKey, call);
  }
  async resizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: DriverCall): Promise<CloudInstance> {
    return (await this.#offering('resize')).resizeInstance(region, nativeId, request, call);
  }

  /** The connected driver, when it implements `operation`. */
  async #offering<K extends OptionalOperation>(operation: K): Promise<Driver & OptionalOperations[K]> {
    const driver = await this.#ready();
    if (!supports(driver, operation)) throw this.#unsupported(operation);
    return driver;
  }

  /** Waits until the cloud can be reached, then follows its changes if its driver can. */
  async followChanges(region: RegionTarget, onChange: (nativeId: string) => void, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const driver = await this.#ready();
        if (hasChangeFeed(driver)) await driver.followChanges(region, onChange, signal);
        return;
      } catch {
        await this.clock.sleep(this.retryMs, signal).catch(() => undefined);
      }
    }
  }
}
