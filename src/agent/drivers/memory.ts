import { randomBytes } from 'node:crypto';
import { instanceActions, type InstanceAction } from '../../domain/instance-lifecycle.js';
import type { InstanceState } from '../../protocol/compute.js';
import {
  CloudError,
  type CloudImage,
  type CloudInstance,
  type CloudVolume,
  type Driver,
  type DriverCall,
  type RegionTarget,
  type ResizeOperations,
  type ResizeRequest,
  type RunRequest,
  type StateReport,
} from '../../clouds/driver.js';
import type { CredentialCheck, DriverFactory } from './registry.js';

const nativeId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Called before each driver method: tests hold calls, count them or make them fail. */
export type CallHook = (method: string, region: RegionTarget, args: readonly unknown[]) => Promise<void> | void;

interface Vm extends CloudInstance {
  /** The state to report at the next poll (transitions complete then). */
  target: InstanceState | null;
  reported: boolean;
}

/**
 * A cloud held in memory, for agents run in tests and demonstrations: runs, actions (the
 * transition completes at the next poll), tags, volumes and images, with no database of its own.
 * It is not the simulator (src/clouds/sim), which lives in Maestro's database.
 */
export class MemoryCloud implements Driver, ResizeOperations, CredentialCheck {
  readonly cloud = 'SIMULATED' as const;
  readonly capabilities = {
    billingGranularity: 'second',
    customShapes: true,
    volumes: true,
    images: true,
    tagMatching: 'case-insensitive',
    reservedTagPrefixes: [],
    maxInstancesPerRun: 1000,
    optional: ['resize'],
  } as const;
  readonly #vms = new Map<string, Vm>();
  readonly #volumes = new Map<string, CloudVolume>();
  readonly #images = new Map<string, CloudImage>([['img-ubuntu', { nativeId: 'img-ubuntu', name: 'ubuntu-24.04', os: 'linux', minDiskGb: 4 }]]);

  constructor(
    private readonly options: { hook?: CallHook; credentialsValid?: () => boolean } = {},
  ) {}

  async #enter(method: string, region: RegionTarget, args: readonly unknown[]): Promise<void> {
    await this.options.hook?.(method, region, args);
  }

  async validateCredentials(region: RegionTarget): Promise<void> {
    await this.#enter('validateCredentials', region, []);
    if (this.options.credentialsValid && !this.options.credentialsValid()) throw new CloudError('unauthorized', 'the cloud refused the credentials');
  }

  async prepareRegion(region: RegionTarget): Promise<CloudImage[]> {
    await this.#enter('prepareRegion', region, []);
    return [...this.#images.values()];
  }

  async runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]> {
    await this.#enter('runInstances', region, [request]);
    if (!this.#images.has(request.imageNativeId)) throw new CloudError('not_found', `image ${request.imageNativeId} does not exist`);
    return request.names.map((name) => {
      const vm: Vm = {
        nativeId: nativeId('i'),
        name,
        state: 'pending',
        cpu: request.cpu,
        ramMb: request.ramMb,
        diskGb: request.diskGb,
        imageNativeId: request.imageNativeId,
        tags: { ...request.tags },
        launchedAt: call.now.toISOString(),
        target: 'running',
        reported: false,
      };
      this.#vms.set(vm.nativeId, vm);
      return this.#public(vm);
    });
  }

  async instanceAction(region: RegionTarget, id: string, action: InstanceAction): Promise<InstanceState> {
    await this.#enter('instanceAction', region, [id, action]);
    const vm = this.#vm(id);
    const rule = instanceActions[action];
    if (!(rule.from as readonly string[]).includes(vm.state)) throw new CloudError('conflict', `instance ${id} is ${vm.state}; the cloud cannot ${action} it`);
    vm.state = rule.via;
    vm.target = rule.to;
    vm.reported = false;
    return vm.state;
  }

  async pollStates(region: RegionTarget): Promise<StateReport[]> {
    await this.#enter('pollStates', region, []);
    const reports: StateReport[] = [];
    for (const vm of this.#vms.values()) {
      if (vm.target) {
        vm.state = vm.target;
        vm.target = null;
        vm.reported = false;
      }
      if (!vm.reported) {
        vm.reported = true;
        reports.push({ nativeId: vm.nativeId, state: vm.state, reason: null });
      }
    }
    return reports;
  }

  async listInstances(region: RegionTarget): Promise<CloudInstance[]> {
    await this.#enter('listInstances', region, []);
    return [...this.#vms.values()].filter((vm) => vm.state !== 'terminated').map((vm) => this.#public(vm));
  }

  /** At once, for a running or stopped instance; the disk never shrinks. */
  async resizeInstance(region: RegionTarget, id: string, request: ResizeRequest): Promise<CloudInstance> {
    await this.#enter('resizeInstance', region, [id, request]);
    const vm = this.#vm(id);
    if (vm.state !== 'running' && vm.state !== 'stopped') throw new CloudError('conflict', `instance ${id} is ${vm.state}; the cloud cannot resize it`);
    Object.assign(vm, { cpu: request.cpu, ramMb: request.ramMb, diskGb: Math.max(vm.diskGb, request.diskGb) });
    return this.#public(vm);
  }

  async setInstanceTags(region: RegionTarget, id: string, tags: Record<string, string>): Promise<void> {
    await this.#enter('setInstanceTags', region, [id, tags]);
    this.#vm(id).tags = { ...tags };
  }

  async createVolume(region: RegionTarget, request: { name: string; sizeGb: number }): Promise<CloudVolume> {
    await this.#enter('createVolume', region, [request]);
    const volume = { nativeId: nativeId('vol'), name: request.name, sizeGb: request.sizeGb, attachedTo: null };
    this.#volumes.set(volume.nativeId, volume);
    return { ...volume };
  }

  async attachVolume(region: RegionTarget, volumeId: string, instanceId: string): Promise<void> {
    await this.#enter('attachVolume', region, [volumeId, instanceId]);
    this.#vm(instanceId);
    this.#volume(volumeId).attachedTo = instanceId;
  }

  async detachVolume(region: RegionTarget, volumeId: string): Promise<void> {
    await this.#enter('detachVolume', region, [volumeId]);
    this.#volume(volumeId).attachedTo = null;
  }

  async deleteVolume(region: RegionTarget, volumeId: string): Promise<void> {
    await this.#enter('deleteVolume', region, [volumeId]);
    if (this.#volume(volumeId).attachedTo) throw new CloudError('conflict', `volume ${volumeId} is attached; detach it first`);
    this.#volumes.delete(volumeId);
  }

  async createImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }): Promise<CloudImage> {
    await this.#enter('createImage', region, [request]);
    const vm = this.#vm(request.instanceNativeId);
    const image = { nativeId: nativeId('img'), name: request.name, os: 'linux', minDiskGb: vm.diskGb };
    this.#images.set(image.nativeId, image);
    return { ...image };
  }

  async deleteImage(region: RegionTarget, imageId: string): Promise<void> {
    await this.#enter('deleteImage', region, [imageId]);
    if (!this.#images.delete(imageId)) throw new CloudError('not_found', `image ${imageId} does not exist`);
  }

  #vm(id: string): Vm {
    const vm = this.#vms.get(id);
    if (!vm || vm.state === 'terminated') throw new CloudError('not_found', `instance ${id} does not exist`);
    return vm;
  }

  #volume(id: string): CloudVolume {
    const volume = this.#volumes.get(id);
    if (!volume) throw new CloudError('not_found', `volume ${id} does not exist`);
    return volume;
  }

  #public(vm: Vm): CloudInstance {
    const { target: _target, reported: _reported, ...instance } = vm;
    return { ...instance, tags: { ...instance.tags } };
  }
}

/** `cloud: "SIMULATED"` regions of an agent's configuration, each with its own MemoryCloud. */
export const memoryCloudFactory: DriverFactory = {
  cloud: 'SIMULATED',
  create: () => new MemoryCloud(),
};
