import * as events from '../../protocol/events/compute.js';
import { entityProjection } from '../../store/projection.js';
import { foldTags } from '../queries/compute.js';
import { updated } from './row-updates.js';

interface InstanceRow {
  id: string;
  tenantId: string;
  regionId: string;
  nativeId: string;
  name: string;
  state: string;
  shape: string | null;
  cpu: number;
  ramMb: number;
  diskGb: number;
  imageId: string | null;
  keyName: string | null;
  ownerId: string | null;
  managed: boolean;
  terminationProtection: boolean;
  tags: Record<string, string>;
  tagsFolded: Record<string, string>;
  stopAfter: string | null;
  terminateAfter: string | null;
  stateReason: string | null;
  /** While a resize through an agent runs: the size it moves to, and the operation that reports its end. */
  resizingTo: { shape: string | null; cpu: number; ramMb: number; diskGb: number } | null;
  operationId: string | null;
  launchedAt: string;
  createdAt: string;
  updatedAt: string;
}

const withTags = <Row extends { updatedAt: string }>(row: Row | undefined, tags: Record<string, string>, time: string) =>
  updated(row, { tags, tagsFolded: foldTags(tags) }, time);

const instances = entityProjection<InstanceRow>({
  name: 'instances',
  table: {
    table: 'instances',
    columns: [
      'id', 'tenantId', 'regionId', 'nativeId', 'name', 'state', 'shape', 'cpu', 'ramMb', 'diskGb', 'imageId', 'keyName',
      'ownerId', 'managed', 'terminationProtection', 'tags', 'tagsFolded', 'stopAfter', 'terminateAfter', 'stateReason',
      'resizingTo', 'operationId', 'launchedAt', 'createdAt', 'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.instanceLaunched, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      managed: true,
      tagsFolded: foldTags(d.tags),
      stateReason: null,
      resizingTo: null,
      operationId: null,
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on.set(events.instanceDiscovered, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      managed: false,
      terminationProtection: false,
      tagsFolded: foldTags(d.tags),
      stopAfter: null,
      terminateAfter: null,
      stateReason: 'discovered in the cloud',
      resizingTo: null,
      operationId: null,
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on(events.instanceVanished, (d) => ({ id: d.id }), (row, _d, e) =>
      updated(row, { state: 'terminated', stateReason: 'no longer exists in the cloud' }, e.time),
    ),
    ...[events.instanceStartRequested, events.instanceStopRequested, events.instanceRebootRequested, events.instanceTerminateRequested].map(
      (definition) => on(definition, (d) => ({ id: d.id }), (row, d, e) => updated(row, { state: d.state, stateReason: null }, e.time)),
    ),
    on(events.instanceStateChanged, (d) => ({ id: d.id }), (row, d, e) => updated(row, { state: d.state, stateReason: d.reason }, e.time)),
    on(events.instanceResizeStarted, (d) => ({ id: d.id }), (row, d, e) => updated(row, { resizingTo: d.to, operationId: d.operationId, stateReason: null }, e.time)),
    on(events.instanceResized, (d) => ({ id: d.id }), (row, { id: _id, ...size }, e) => updated(row, { ...size, resizingTo: null, stateReason: null }, e.time)),
    on(events.instanceResizeFailed, (d) => ({ id: d.id }), (row, d, e) => updated(row, { resizingTo: null, stateReason: d.reason }, e.time)),
    on(events.instanceProtectionChanged, (d) => ({ id: d.id }), (row, d, e) =>
      updated(row, { terminationProtection: d.terminationProtection }, e.time),
    ),
    on(events.instanceTimeLimitReached, (d) => ({ id: d.id }), (row, d, e) => updated(row, { [d.limit]: null }, e.time)),
    on(events.instanceTagged, (d) => ({ id: d.id }), (row, d, e) => withTags(row, d.tags, e.time)),
    on(events.instanceUntagged, (d) => ({ id: d.id }), (row, d, e) => withTags(row, d.tags, e.time)),
  ],
});

interface ShapeRow {
  regionId: string;
  name: string;
  cpu: number;
  ramMb: number;
  createdAt: string;
}

const regionShapes = entityProjection<ShapeRow>({
  name: 'region_shapes',
  table: { table: 'region_shapes', columns: ['regionId', 'name', 'cpu', 'ramMb', 'createdAt'], key: ['regionId', 'name'] },
  reducers: (on) => [
    on.set(events.shapeCreated, (d) => ({ regionId: d.regionId, name: d.name }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.shapeDeleted, (d) => ({ regionId: d.regionId, name: d.name })),
  ],
});

interface ImageRow {
  id: string;
  regionId: string;
  tenantId: string | null;
  name: string;
  /** Null while a capture through an agent is pending, and after it failed. */
  nativeId: string | null;
  os: string;
  state: string;
  stateReason: string | null;
  minDiskGb: number;
  /** A captured image's, as its creator gave it; null for the public catalog's. */
  description: string | null;
  sourceInstanceId: string | null;
  ownerId: string | null;
  /** The agent's operation of a capture started through it. */
  operationId: string | null;
  createdAt: string;
  updatedAt: string;
}

const images = entityProjection<ImageRow>({
  name: 'images',
  table: {
    table: 'images',
    columns: [
      'id',
      'regionId',
      'tenantId',
      'name',
      'nativeId',
      'os',
      'state',
      'stateReason',
      'minDiskGb',
      'description',
      'sourceInstanceId',
      'ownerId',
      'operationId',
      'createdAt',
      'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.imageRegistered, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      description: d.description ?? null,
      state: 'available',
      stateReason: null,
      sourceInstanceId: null,
      ownerId: null,
      operationId: null,
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on.set(events.imageCaptureStarted, (d) => ({ id: d.id }), (d, e) => ({ ...d, description: d.description ?? null, state: 'pending', stateReason: null, createdAt: e.time, updatedAt: e.time })),
    // Also the end of a pending capture: the row is complete again, its operation id kept for the record.
    on(events.imageCreated, (d) => ({ id: d.id }), (row, d, e) =>
      row
        ? updated(row, { ...d, state: 'available', stateReason: null }, e.time)
        : { ...d, description: d.description ?? null, state: 'available', stateReason: null, operationId: null, createdAt: e.time, updatedAt: e.time },
    ),
    on(events.imageCaptureFailed, (d) => ({ id: d.id }), (row, d, e) => row && updated(row, { state: 'error', stateReason: d.reason }, e.time)),
    on.remove(events.imageDeleted, (d) => ({ id: d.id })),
  ],
});

interface VolumeRow {
  id: string;
  tenantId: string;
  regionId: string;
  /** Null while a creation through an agent is pending, and after it failed. */
  nativeId: string | null;
  name: string;
  sizeGb: number;
  state: string;
  stateReason: string | null;
  /** The agent's operation of a creation started through it. */
  operationId: string | null;
  instanceId: string | null;
  ownerId: string | null;
  tags: Record<string, string>;
  tagsFolded: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

const volumes = entityProjection<VolumeRow>({
  name: 'volumes',
  table: {
    table: 'volumes',
    columns: [
      'id',
      'tenantId',
      'regionId',
      'nativeId',
      'name',
      'sizeGb',
      'state',
      'stateReason',
      'instanceId',
      'ownerId',
      'operationId',
      'tags',
      'tagsFolded',
      'createdAt',
      'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.volumeCreationStarted, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      state: 'creating',
      stateReason: null,
      instanceId: d.instanceId ?? null,
      tagsFolded: foldTags(d.tags),
      createdAt: e.time,
      updatedAt: e.time,
    })),
    // Also the end of a pending creation: the row is complete again, its operation id kept for the record.
    on(events.volumeCreated, (d) => ({ id: d.id }), (row, d, e) =>
      row
        ? updated(row, { ...d, state: 'available', stateReason: null, tagsFolded: foldTags(d.tags) }, e.time)
        : { ...d, state: 'available', stateReason: null, instanceId: null, operationId: null, tagsFolded: foldTags(d.tags), createdAt: e.time, updatedAt: e.time },
    ),
    on(events.volumeCreationFailed, (d) => ({ id: d.id }), (row, d, e) => row && updated(row, { state: 'error', stateReason: d.reason, instanceId: null }, e.time)),
    on(events.volumeAttachStarted, (d) => ({ id: d.id }), (row, d, e) =>
      row && updated(row, { state: 'attaching', instanceId: d.instanceId, operationId: d.operationId, stateReason: null }, e.time),
    ),
    on(events.volumeAttachFailed, (d) => ({ id: d.id }), (row, d, e) => row && updated(row, { state: 'available', instanceId: null, stateReason: d.reason }, e.time)),
    on(events.volumeAttached, (d) => ({ id: d.id }), (row, d, e) => updated(row, { state: 'in-use', instanceId: d.instanceId, stateReason: null }, e.time)),
    on(events.volumeDetachStarted, (d) => ({ id: d.id }), (row, d, e) =>
      row && updated(row, { state: 'detaching', operationId: d.operationId, stateReason: null }, e.time),
    ),
    on(events.volumeDetachFailed, (d) => ({ id: d.id }), (row, d, e) => row && updated(row, { state: 'in-use', stateReason: d.reason }, e.time)),
    on(events.volumeDetached, (d) => ({ id: d.id }), (row, _d, e) => updated(row, { state: 'available', instanceId: null, stateReason: null }, e.time)),
    on.remove(events.volumeDeleted, (d) => ({ id: d.id })),
    on(events.volumeTagged, (d) => ({ id: d.id }), (row, d, e) => withTags(row, d.tags, e.time)),
    on(events.volumeUntagged, (d) => ({ id: d.id }), (row, d, e) => withTags(row, d.tags, e.time)),
  ],
});

interface SshKeyRow {
  id: string;
  tenantId: string;
  name: string;
  publicKey: string;
  fingerprint: string;
  ownerId: string | null;
  createdAt: string;
}

const sshKeys = entityProjection<SshKeyRow>({
  name: 'ssh_keys',
  table: {
    table: 'ssh_keys',
    columns: ['id', 'tenantId', 'name', 'publicKey', 'fingerprint', 'ownerId', 'createdAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.sshKeyCreated, (d) => ({ id: d.id }), ({ generated: _generated, ...d }, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.sshKeyDeleted, (d) => ({ id: d.id })),
  ],
});

export const computeProjections = [instances, regionShapes, images, volumes, sshKeys];
