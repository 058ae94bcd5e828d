import type { CloudKind } from '../protocol/clouds.js';
import type { InstanceState } from '../protocol/compute.js';
import type { InstanceAction } from '../domain/instance-lifecycle.js';
import type { Queryable } from '../store/database.js';

/**
 * The cloud abstraction layer. A driver translates between one provider's API and the unified
 * model below, nothing more: rbac, quotas and billing happen before and after it is called.
 */
export interface DriverCapabilities {
  /** How the provider bills running time; billing rounds accordingly. */
  billingGranularity: 'second' | 'hour';
  /** Whether any CPU/RAM combination can be run, not only named shapes. */
  customShapes: boolean;
  volumes: boolean;
  images: boolean;
  /** How the provider compares tag names in filters (seed §3.3.2). */
  tagMatching: 'case-sensitive' | 'case-insensitive';
  /** Tag key prefixes the provider reserves (Azure: microsoft, azure, windows). */
  reservedTagPrefixes: readonly string[];
  maxInstancesPerRun: number;
}

/** The region as the driver knows it. */
export interface RegionTarget {
  name: string;
  nativeName: string;
}

/**
 * Per-call context. In-process clouds (the simulator) write through `db`, the caller's
 * transaction, so their state commits or rolls back with Maestro's record of it; remote clouds
 * ignore it. `signal` aborts calls that overrun their timeout.
 */
export interface DriverCall {
  db: Queryable;
  now: Date;
  signal: AbortSignal;
}

export interface CloudInstance {
  nativeId: string;
  name: string;
  state: InstanceState;
  cpu: number;
  ramMb: number;
  diskGb: number;
  imageNativeId: string | null;
  tags: Record<string, string>;
  launchedAt: string;
}

export interface RunRequest {
  names: string[];
  cpu: number;
  ramMb: number;
  diskGb: number;
  imageNativeId: string;
  publicKey: string | null;
  userData: string | null;
  tags: Record<string, string>;
}

export interface CloudImage {
  nativeId: string;
  name: string;
  os: string;
  minDiskGb: number;
}

export interface CloudVolume {
  nativeId: string;
  name: string;
  sizeGb: number;
  attachedTo: string | null;
}

/** A state the cloud reached on its own: the end of a transition, or a VM that died. */
export interface StateReport {
  nativeId: string;
  state: InstanceState;
  reason: string | null;
}

export interface Driver {
  readonly cloud: CloudKind;
  readonly capabilities: DriverCapabilities;
  /** Called when a region of this cloud is registered; returns its public image catalog. */
  prepareRegion(region: RegionTarget, call: DriverCall): Promise<CloudImage[]>;
  /** Runs all requested instances or none; returns them in a transitional state. */
  runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]>;
  /** Starts an action; returns the transitional state the instance is now in. */
  instanceAction(region: RegionTarget, nativeId: string, action: InstanceAction, call: DriverCall): Promise<InstanceState>;
  /** States reached since the last poll. */
  pollStates(region: RegionTarget, call: DriverCall): Promise<StateReport[]>;
  /** Every instance the region holds, however it was created (discovery). */
  listInstances(region: RegionTarget, call: DriverCall): Promise<CloudInstance[]>;
  setInstanceTags(region: RegionTarget, nativeId: string, tags: Record<string, string>, call: DriverCall): Promise<void>;
  createVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: DriverCall): Promise<CloudVolume>;
  attachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: DriverCall): Promise<void>;
  detachVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void>;
  deleteVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void>;
  /** Captures an instance as an image in a tenant's private catalog. */
  createImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: DriverCall): Promise<CloudImage>;
  deleteImage(region: RegionTarget, imageNativeId: string, call: DriverCall): Promise<void>;
}

/** A failure reported by a cloud, in terms the platform can turn into a user-facing error. */
export class CloudError extends Error {
  constructor(
    readonly reason: 'capacity' | 'not_found' | 'conflict' | 'invalid' | 'api' | 'timeout' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/**
 * A multi-instance run that failed part-way; `created` are the instances that do exist, so the
 * caller can remove them (no orphans) or report exactly which ones are left.
 */
export class PartialRunError extends CloudError {
  constructor(
    readonly created: CloudInstance[],
    message: string,
  ) {
    super('api', message);
    this.name = 'PartialRunError';
  }
}
