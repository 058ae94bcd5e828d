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
  /**
   * How many complete listings in a row must lack an instance before discovery lets it go (3 when
   * left out): 1 where a listing is the truth at once, more where listings can lag behind.
   */
  listingsBeforeVanished?: number;
  /**
   * The optional operations this driver implements. Callers ask `supports(driver, 'publicIps')`
   * instead of testing which cloud it is; the answer also types the operations' methods.
   */
  optional: readonly OptionalOperation[];
}

/** Operations beyond the core every driver has; each names an interface below. */
export const optionalOperations = ['shapes', 'networks', 'securityGroups', 'publicIps', 'keyPairs', 'resize', 'networkMoves'] as const;
export type OptionalOperation = (typeof optionalOperations)[number];

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
  /** The tenant (name) a command makes the call for: an agent bounds concurrency by it. */
  tenant?: string | null;
  /** The same id for a retry of the same call: an agent runs a changing call once per id. */
  operationId?: string;
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
  /** The tenant whose own project holds it, where the region maps tenants to projects (it owns what is found there). */
  tenant?: string;
}

export interface RunRequest {
  names: string[];
  cpu: number;
  ramMb: number;
  diskGb: number;
  /**
   * The named shape to run (clouds without custom shapes). Absent, a driver of such a cloud
   * takes the smallest shape that has at least `cpu`, `ramMb` and `diskGb`.
   */
  shapeNativeId?: string | null;
  imageNativeId: string;
  publicKey: string | null;
  userData: string | null;
  tags: Record<string, string>;
  /** The network to attach to (drivers with `networks`); absent, the cloud's default. */
  networkNativeId?: string | null;
  /** Security groups by name or id (drivers with `securityGroups`); absent, the cloud's default. */
  securityGroups?: readonly string[];
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

/** A named size a cloud runs instances in. */
export interface CloudShape {
  nativeId: string;
  name: string;
  cpu: number;
  ramMb: number;
  diskGb: number;
}

export interface CloudNetwork {
  nativeId: string;
  name: string;
  /** Whether public addresses are allocated from it (it reaches outside the cloud). */
  external: boolean;
  /** Whether other projects of the cloud see it too. */
  shared: boolean;
  cidrs: string[];
}

export interface CloudSecurityGroup {
  nativeId: string;
  name: string;
  description: string;
}

/** An address reachable from outside, allocated to the account and moved between instances. */
export interface CloudPublicIp {
  nativeId: string;
  address: string;
  /** The network it was allocated from. */
  networkNativeId: string;
  instanceNativeId: string | null;
  /** The instance's private address it forwards to, while associated. */
  privateAddress: string | null;
}

export interface CloudKeyPair {
  /** The name the cloud knows the key by, derived from the key itself. */
  nativeName: string;
  fingerprint: string;
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

export interface ShapeOperations {
  listShapes(region: RegionTarget, call: DriverCall): Promise<CloudShape[]>;
}

export interface NetworkOperations {
  listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]>;
}

export interface SecurityGroupOperations {
  listSecurityGroups(region: RegionTarget, call: DriverCall): Promise<CloudSecurityGroup[]>;
}

/**
 * Public addresses, with the same rules on every cloud (the conformance suite checks them): an
 * address is associated with at most one instance; associating it again with the same instance
 * changes nothing, with another one is refused (`conflict`: disassociate first); releasing an
 * associated address is refused (`conflict`); an instance that is terminated gives its address
 * back (it stays allocated, unassociated).
 */
export interface PublicIpOperations {
  listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]>;
  /** Allocates from `networkNativeId`, or from the cloud's only external network when absent. */
  allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp>;
  associatePublicIp(region: RegionTarget, ipNativeId: string, instanceNativeId: string, call: DriverCall): Promise<CloudPublicIp>;
  disassociatePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void>;
  releasePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void>;
}

export interface NetworkMoveOperations {
  /**
   * Moves a running or stopped instance's interface to another private network of the region (a
   * VLAN): it gets an address there, and its public address, if any, follows it.
   */
  moveInstanceToNetwork(region: RegionTarget, instanceNativeId: string, networkNativeId: string, call: DriverCall): Promise<void>;
}

export interface KeyPairOperations {
  /** Makes a public key usable by runs; importing the same key again is a no-op. */
  importKeyPair(region: RegionTarget, publicKey: string, call: DriverCall): Promise<CloudKeyPair>;
}

/** The size an instance is moved to: a named shape, or (clouds that pick one) the smallest that fits. */
export type ResizeRequest = Pick<RunRequest, 'cpu' | 'ramMb' | 'diskGb' | 'shapeNativeId'>;

export interface ResizeOperations {
  /** Moves an instance to another shape and waits until the cloud has finished (or refused). */
  resizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: DriverCall): Promise<CloudInstance>;
}

/**
 * A cloud that says when something changed, so that a change is seen at once rather than at the
 * next poll (which still runs, in case a message is lost).
 */
export interface ChangeFeed {
  /** Calls `onChange` with the native id of each instance that may have changed, until `signal` aborts. */
  followChanges(region: RegionTarget, onChange: (nativeId: string) => void, signal: AbortSignal): Promise<void>;
}

export const hasChangeFeed = (driver: Driver): driver is Driver & ChangeFeed => typeof (driver as Partial<ChangeFeed>).followChanges === 'function';

export interface OptionalOperations {
  shapes: ShapeOperations;
  networks: NetworkOperations;
  securityGroups: SecurityGroupOperations;
  publicIps: PublicIpOperations;
  keyPairs: KeyPairOperations;
  resize: ResizeOperations;
  networkMoves: NetworkMoveOperations;
}

/** A call whose operation id the caller keeps: the outcome of a deferred change is matched by it. */
export type TrackedCall = DriverCall & { operationId: string };

/**
 * Long changes a driver can take now and finish later (a private agent's region): `defer…`
 * resolves once the change is recorded where it runs, and its outcome arrives afterwards as the
 * completion of `call.operationId`. Drivers that run in process do not defer: they finish the
 * change in the call.
 */
export interface DeferredChanges {
  deferCreateImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: TrackedCall): Promise<void>;
  deferCreateVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: TrackedCall): Promise<void>;
  /** A volume created for an instance and attached to it, as one change (src/clouds/attached-volume.ts). */
  deferCreateAttachedVolume(region: RegionTarget, request: { name: string; sizeGb: number }, instanceNativeId: string, call: TrackedCall): Promise<void>;
  deferAttachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: TrackedCall): Promise<void>;
  deferDetachVolume(region: RegionTarget, volumeNativeId: string, call: TrackedCall): Promise<void>;
  deferResizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: TrackedCall): Promise<void>;
}

export function defersChanges(driver: Driver): driver is Driver & DeferredChanges {
  return typeof (driver as Partial<DeferredChanges>).deferCreateImage === 'function';
}

/** Whether a driver implements an optional operation; when it does, its methods are typed. */
export function supports<K extends OptionalOperation>(driver: Driver, operation: K): driver is Driver & OptionalOperations[K] {
  return driver.capabilities.optional.includes(operation);
}

export type CloudErrorReason =
  | 'capacity'
  | 'quota'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'api'
  | 'timeout'
  | 'unsupported';

/** Whether trying the same call again later can help, when the driver does not say. */
const retryableByDefault: Record<CloudErrorReason, boolean> = {
  capacity: true,
  quota: false,
  unauthorized: false,
  not_found: false,
  conflict: false,
  invalid: false,
  api: true,
  timeout: true,
  unsupported: false,
};

/**
 * A failure reported by a cloud, in terms the platform can turn into a user-facing error. The
 * message keeps the cloud's own words; `retryable` says whether the same call can succeed later
 * (a 503 can, a bad image id cannot). `quota` is the account's limit at the cloud (not Maestro's
 * quotas); `unauthorized` means the cloud refused the region's own credentials.
 */
export class CloudError extends Error {
  readonly retryable: boolean;
  /** The cloud's HTTP status (or equivalent), when there was one. */
  readonly status: number | null;

  constructor(
    readonly reason: CloudErrorReason,
    message: string,
    options: { retryable?: boolean; status?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CloudError';
    this.retryable = options.retryable ?? retryableByDefault[reason];
    this.status = options.status ?? null;
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
