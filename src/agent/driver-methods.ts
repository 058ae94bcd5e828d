import { z } from 'zod';
import { instanceActions, type InstanceAction } from '../domain/instance-lifecycle.js';
import { cloudKinds } from '../protocol/clouds.js';
import { instanceStates } from '../protocol/compute.js';
import {
  optionalOperations,
  type CloudImage,
  type CloudInstance,
  type CloudKeyPair,
  type CloudNetwork,
  type CloudPublicIp,
  type CloudSecurityGroup,
  type CloudShape,
  type CloudVolume,
  type DriverCapabilities,
  type OptionalOperation,
  type ResizeRequest,
  type RunRequest,
  type StateReport,
} from '../clouds/driver.js';

/**
 * The Driver interface (src/clouds/driver.ts) as data: for every method a server may ask an
 * agent to run, the schema of its arguments (those between the region and the call context) and
 * of its result. Both sides parse with it: the agent before it calls its driver, the server's
 * remote driver before it believes a reply.
 */
const text = (max = 1024) => z.string().max(max);
const id = text(512);
const tags = z.record(z.string().max(512), z.string().max(512));

export const instanceState = z.enum(instanceStates);
const instanceAction = z.enum(Object.keys(instanceActions) as [InstanceAction, ...InstanceAction[]]);

export const cloudInstance = z.object({
  nativeId: id,
  name: text(),
  state: instanceState,
  cpu: z.number().nonnegative(),
  ramMb: z.number().nonnegative(),
  diskGb: z.number().nonnegative(),
  imageNativeId: id.nullable(),
  tags,
  launchedAt: text(64),
  tenant: text().optional(),
}) satisfies z.ZodType<CloudInstance>;

export const runRequest = z.object({
  names: z.array(text()).min(1).max(1000),
  cpu: z.number().positive(),
  ramMb: z.number().positive(),
  diskGb: z.number().nonnegative(),
  shapeNativeId: id.nullable().optional(),
  imageNativeId: id,
  publicKey: z.string().max(16_384).nullable(),
  userData: z.string().max(65_536).nullable(),
  tags,
  networkNativeId: id.nullable().optional(),
  securityGroups: z.array(id).max(64).optional(),
}) satisfies z.ZodType<RunRequest>;

export const resizeRequest = runRequest.pick({ cpu: true, ramMb: true, diskGb: true, shapeNativeId: true }) satisfies z.ZodType<ResizeRequest>;

export const cloudImage = z.object({ nativeId: id, name: text(), os: text(), minDiskGb: z.number().nonnegative() }) satisfies z.ZodType<CloudImage>;
export const cloudVolume = z.object({ nativeId: id, name: text(), sizeGb: z.number().nonnegative(), attachedTo: id.nullable() }) satisfies z.ZodType<CloudVolume>;
export const stateReport = z.object({ nativeId: id, state: instanceState, reason: text(4000).nullable() }) satisfies z.ZodType<StateReport>;
export const cloudShape = z.object({
  nativeId: id,
  name: text(),
  cpu: z.number().nonnegative(),
  ramMb: z.number().nonnegative(),
  diskGb: z.number().nonnegative(),
}) satisfies z.ZodType<CloudShape>;
export const cloudNetwork = z.object({
  nativeId: id,
  name: text(),
  external: z.boolean(),
  shared: z.boolean(),
  cidrs: z.array(text(64)),
}) satisfies z.ZodType<CloudNetwork>;
export const cloudSecurityGroup = z.object({ nativeId: id, name: text(), description: text(4000) }) satisfies z.ZodType<CloudSecurityGroup>;
export const cloudPublicIp = z.object({
  nativeId: id,
  address: text(64),
  networkNativeId: id,
  instanceNativeId: id.nullable(),
  privateAddress: text(64).nullable(),
}) satisfies z.ZodType<CloudPublicIp>;
export const cloudKeyPair = z.object({ nativeName: text(), fingerprint: text() }) satisfies z.ZodType<CloudKeyPair>;

export const driverCapabilities = z.object({
  billingGranularity: z.enum(['second', 'hour']),
  customShapes: z.boolean(),
  volumes: z.boolean(),
  images: z.boolean(),
  tagMatching: z.enum(['case-sensitive', 'case-insensitive']),
  reservedTagPrefixes: z.array(text(64)),
  maxInstancesPerRun: z.number().int().nonnegative(),
  listingsBeforeVanished: z.number().int().min(1).max(100).optional(),
  optional: z.array(z.enum(optionalOperations)),
}) satisfies z.ZodType<DriverCapabilities>;

export const cloudKind = z.enum(cloudKinds);

const none = z.null();

const volumeRequest = z.object({ name: text(), sizeGb: z.number().positive() });

interface MethodSpec {
  args: z.ZodTuple;
  result: z.ZodType;
  /** Changes the cloud: the agent records it by operation id and runs it at most once. */
  mutating: boolean;
  /** The optional operation the driver must declare (supports()). */
  optional?: OptionalOperation;
}

/**
 * pollStates is absent on purpose: the agent polls its clouds itself and sends what it finds as
 * `instance.state` events; a server asking too would take reports from the agent's own poll.
 */
export const driverMethods = {
  prepareRegion: { args: z.tuple([]), result: z.array(cloudImage), mutating: true },
  runInstances: { args: z.tuple([runRequest]), result: z.array(cloudInstance), mutating: true },
  instanceAction: { args: z.tuple([id, instanceAction]), result: instanceState, mutating: true },
  listInstances: { args: z.tuple([]), result: z.array(cloudInstance), mutating: false },
  setInstanceTags: { args: z.tuple([id, tags]), result: none, mutating: true },
  createVolume: { args: z.tuple([volumeRequest]), result: cloudVolume, mutating: true },
  /** Not a driver method: the agent composes it from createVolume and attachVolume (composed-methods.ts). */
  createAttachedVolume: { args: z.tuple([volumeRequest, id]), result: cloudVolume, mutating: true },
  attachVolume: { args: z.tuple([id, id]), result: none, mutating: true },
  detachVolume: { args: z.tuple([id]), result: none, mutating: true },
  deleteVolume: { args: z.tuple([id]), result: none, mutating: true },
  createImage: {
    args: z.tuple([z.object({ instanceNativeId: id, name: text(), catalog: text() })]),
    result: cloudImage,
    mutating: true,
  },
  deleteImage: { args: z.tuple([id]), result: none, mutating: true },
  listShapes: { args: z.tuple([]), result: z.array(cloudShape), mutating: false, optional: 'shapes' },
  listNetworks: { args: z.tuple([]), result: z.array(cloudNetwork), mutating: false, optional: 'networks' },
  listSecurityGroups: { args: z.tuple([]), result: z.array(cloudSecurityGroup), mutating: false, optional: 'securityGroups' },
  listPublicIps: { args: z.tuple([]), result: z.array(cloudPublicIp), mutating: false, optional: 'publicIps' },
  allocatePublicIp: {
    args: z.tuple([z.object({ networkNativeId: id.nullable().optional() })]),
    result: cloudPublicIp,
    mutating: true,
    optional: 'publicIps',
  },
  associatePublicIp: { args: z.tuple([id, id]), result: cloudPublicIp, mutating: true, optional: 'publicIps' },
  disassociatePublicIp: { args: z.tuple([id]), result: none, mutating: true, optional: 'publicIps' },
  releasePublicIp: { args: z.tuple([id]), result: none, mutating: true, optional: 'publicIps' },
  moveInstanceToNetwork: { args: z.tuple([id, id]), result: none, mutating: true, optional: 'networkMoves' },
  importKeyPair: { args: z.tuple([z.string().max(16_384)]), result: cloudKeyPair, mutating: true, optional: 'keyPairs' },
  resizeInstance: { args: z.tuple([id, resizeRequest]), result: cloudInstance, mutating: true, optional: 'resize' },
} as const satisfies Record<string, MethodSpec>;

export type DriverMethod = keyof typeof driverMethods;
export const driverMethodNames = Object.keys(driverMethods) as [DriverMethod, ...DriverMethod[]];

/** The arguments a method takes over the wire (without region and call context). */
export type DriverMethodArgs<M extends DriverMethod> = z.output<(typeof driverMethods)[M]['args']>;
export type DriverMethodResult<M extends DriverMethod> = z.output<(typeof driverMethods)[M]['result']>;
