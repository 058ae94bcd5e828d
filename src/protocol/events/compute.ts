import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { instanceStates } from '../compute.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();
const state = z.enum(instanceStates);
const tagSet = z.record(z.string(), z.string());

const instanceFields = {
  id,
  tenantId: id,
  regionId: id,
  nativeId: z.string(),
  name: z.string(),
  state,
  shape: z.string().nullable(),
  cpu: z.number().int(),
  ramMb: z.number().int(),
  diskGb: z.number().int(),
  imageId: id.nullable(),
  keyName: z.string().nullable(),
  ownerId: id.nullable(),
  tags: tagSet,
  launchedAt: z.string(),
};

export const instanceLaunched = defineEvent('instance.launched', {
  action: 'create',
  target: targetTypes.instance,
  data: z.object({
    ...instanceFields,
    terminationProtection: z.boolean(),
    stopAfter: z.string().nullable(),
    terminateAfter: z.string().nullable(),
  }),
});

/** An instance found in a region that Maestro did not create: adopted as unmanaged. */
export const instanceDiscovered = defineEvent('instance.discovered', {
  action: 'discover',
  target: targetTypes.instance,
  data: z.object(instanceFields),
});

/** An instance Maestro knew that the cloud no longer has. */
export const instanceVanished = defineEvent('instance.vanished', {
  action: 'discover',
  target: targetTypes.instance,
  eventType: 'monitor',
  data: z.object({ id }),
});

const actionRequested = (type: string, action: 'start' | 'stop' | 'reboot' | 'delete') =>
  defineEvent(type, { action, target: targetTypes.instance, data: z.object({ id, state }) });

export const instanceStartRequested = actionRequested('instance.startRequested', 'start');
export const instanceStopRequested = actionRequested('instance.stopRequested', 'stop');
export const instanceRebootRequested = actionRequested('instance.rebootRequested', 'reboot');
export const instanceTerminateRequested = actionRequested('instance.terminateRequested', 'delete');

/** A state the cloud reports: the end of a transition, or a change nobody asked for. */
export const instanceStateChanged = defineEvent('instance.stateChanged', {
  action: 'update',
  target: targetTypes.instance,
  eventType: 'monitor',
  data: z.object({ id, state, previous: state, reason: z.string().nullable() }),
});

/** An instance's size: a shape's name where it has one, and what it amounts to. */
const instanceSize = { shape: z.string().nullable(), cpu: z.number().int(), ramMb: z.number().int(), diskGb: z.number().int() };

/** The cloud moved the instance to another size; billing prices it at the new size from here on. */
export const instanceResized = defineEvent('instance.resized', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({ id, ...instanceSize }),
});

/**
 * A resize handed to a private agent (a real cloud migrates the server, minutes): the instance
 * keeps its size until the agent reports the operation done (`instance.resized` then, or
 * `instance.resizeFailed`).
 */
export const instanceResizeStarted = defineEvent('instance.resizeStarted', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({ id, operationId: z.string(), to: z.object(instanceSize) }),
});

/** The cloud refused or failed a resize: the instance keeps its size, with the cloud's reason. */
export const instanceResizeFailed = defineEvent('instance.resizeFailed', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({ id, reason: z.string() }),
});

export const instanceProtectionChanged = defineEvent('instance.protectionChanged', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({ id, terminationProtection: z.boolean() }),
});

/**
 * An instance's stopAfter or terminateAfter passed and Maestro dealt with it: took the action
 * (recorded beside this, with the same reason) or found nothing to do and says why. The limit is
 * cleared: it fires once.
 */
export const instanceTimeLimitReached = defineEvent('instance.timeLimitReached', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({
    id,
    limit: z.enum(['stopAfter', 'terminateAfter']),
    /** The time the limit was set to. */
    at: z.string(),
    outcome: z.enum(['stopped', 'terminated', 'skipped']),
    /** For a skipped limit, why nothing was done. */
    detail: z.string().nullable(),
  }),
});

export const instanceTagged = defineEvent('instance.tagged', {
  action: 'tag',
  target: targetTypes.instance,
  data: z.object({ id, tags: tagSet, set: tagSet }),
});

export const instanceUntagged = defineEvent('instance.untagged', {
  action: 'untag',
  target: targetTypes.instance,
  data: z.object({ id, tags: tagSet, removed: z.array(z.string()) }),
});

export const shapeCreated = defineEvent('shape.created', {
  action: 'create',
  target: targetTypes.service,
  data: z.object({ regionId: id, name: z.string(), cpu: z.number().int(), ramMb: z.number().int() }),
});

export const shapeDeleted = defineEvent('shape.deleted', {
  action: 'delete',
  target: targetTypes.service,
  data: z.object({ regionId: id, name: z.string() }),
});

const imageFields = {
  id,
  regionId: id,
  tenantId: id.nullable(),
  name: z.string(),
  nativeId: z.string(),
  os: z.string(),
  minDiskGb: z.number().int(),
  /** Given when a tenant captures one (absent from the public catalog's and from earlier events). */
  description: z.string().optional(),
};

/** An image of a region's public catalog, as the cloud offers it. */
export const imageRegistered = defineEvent('image.registered', {
  action: 'create',
  target: targetTypes.image,
  data: z.object(imageFields),
});

export const imageCreated = defineEvent('image.created', {
  action: 'create',
  target: targetTypes.image,
  data: z.object({ ...imageFields, sourceInstanceId: id, ownerId: id.nullable() }),
});

/**
 * A capture handed to a private agent: the image is pending, without a native id, until the
 * agent reports the operation done (`image.created` then, or `image.captureFailed`).
 */
export const imageCaptureStarted = defineEvent('image.captureStarted', {
  action: 'create',
  target: targetTypes.image,
  data: z.object({ ...imageFields, nativeId: z.null(), sourceInstanceId: id, ownerId: id.nullable(), operationId: z.string() }),
});

/** The cloud refused or failed a capture: the image stays, in state error, with the cloud's reason. */
export const imageCaptureFailed = defineEvent('image.captureFailed', {
  action: 'update',
  target: targetTypes.image,
  data: z.object({ id, reason: z.string() }),
});

export const imageDeleted = defineEvent('image.deleted', {
  action: 'delete',
  target: targetTypes.image,
  data: z.object({ id }),
});

const volumeFields = {
  id,
  tenantId: id,
  regionId: id,
  nativeId: z.string(),
  name: z.string(),
  sizeGb: z.number().int(),
  ownerId: id.nullable(),
  tags: tagSet,
};

export const volumeCreated = defineEvent('volume.created', {
  action: 'create',
  target: targetTypes.volume,
  data: z.object(volumeFields),
});

/**
 * A volume creation handed to a private agent: the volume is creating, without a native id, until
 * the agent reports the operation done (`volume.created` then, or `volume.creationFailed`).
 */
export const volumeCreationStarted = defineEvent('volume.creationStarted', {
  action: 'create',
  target: targetTypes.volume,
  data: z.object({
    ...volumeFields,
    nativeId: z.null(),
    operationId: z.string(),
    /** The instance it is created for: the agent attaches it, and its report ends with `volume.attached` too. */
    instanceId: id.nullable().optional(),
  }),
});

/** The cloud refused or failed a creation: the volume stays, in state error, with the cloud's reason. */
export const volumeCreationFailed = defineEvent('volume.creationFailed', {
  action: 'update',
  target: targetTypes.volume,
  data: z.object({ id, reason: z.string() }),
});

export const volumeAttached = defineEvent('volume.attached', {
  action: 'attach',
  target: targetTypes.volume,
  data: z.object({ id, instanceId: id }),
});

export const volumeDetached = defineEvent('volume.detached', {
  action: 'detach',
  target: targetTypes.volume,
  data: z.object({ id, instanceId: id }),
});

/**
 * An attach handed to a private agent: the volume is attaching to the instance until the agent
 * reports the operation done (`volume.attached` then, or `volume.attachFailed`).
 */
export const volumeAttachStarted = defineEvent('volume.attachStarted', {
  action: 'attach',
  target: targetTypes.volume,
  data: z.object({ id, instanceId: id, operationId: z.string() }),
});

/** The cloud refused or failed an attach: the volume is available again, with the cloud's reason. */
export const volumeAttachFailed = defineEvent('volume.attachFailed', {
  action: 'update',
  target: targetTypes.volume,
  data: z.object({ id, reason: z.string() }),
});

/** A detach handed to a private agent: the volume is detaching until the agent reports it done. */
export const volumeDetachStarted = defineEvent('volume.detachStarted', {
  action: 'detach',
  target: targetTypes.volume,
  data: z.object({ id, instanceId: id, operationId: z.string() }),
});

/** The cloud refused or failed a detach: the volume stays attached (in use), with the cloud's reason. */
export const volumeDetachFailed = defineEvent('volume.detachFailed', {
  action: 'update',
  target: targetTypes.volume,
  data: z.object({ id, reason: z.string() }),
});

export const volumeDeleted = defineEvent('volume.deleted', {
  action: 'delete',
  target: targetTypes.volume,
  data: z.object({ id }),
});

export const volumeTagged = defineEvent('volume.tagged', {
  action: 'tag',
  target: targetTypes.volume,
  data: z.object({ id, tags: tagSet, set: tagSet }),
});

export const volumeUntagged = defineEvent('volume.untagged', {
  action: 'untag',
  target: targetTypes.volume,
  data: z.object({ id, tags: tagSet, removed: z.array(z.string()) }),
});

export const sshKeyCreated = defineEvent('sshKey.created', {
  action: 'create',
  target: targetTypes.key,
  data: z.object({
    id,
    tenantId: id,
    name: z.string(),
    publicKey: z.string(),
    fingerprint: z.string(),
    ownerId: id.nullable(),
    generated: z.boolean(),
  }),
});

export const sshKeyDeleted = defineEvent('sshKey.deleted', {
  action: 'delete',
  target: targetTypes.key,
  data: z.object({ id }),
});
