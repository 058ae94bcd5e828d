import { z } from 'zod';
import type { CloudErrorReason } from '../clouds/driver.js';
import { cloudInstance, cloudKind, driverCapabilities, driverMethodNames, instanceState } from './driver-methods.js';

/**
 * What a Maestro server and its private agents say to each other. Every message is the
 * PROTOCOL.md envelope: a sealed array of calls `[{id, type, params: {body: "<json>"}}]`, replies
 * `{results: [...]}`; these schemas are the `params` of each call type and the `data` of each
 * result. Both sides parse with them.
 */

/** Agent and region names, as Maestro spells them (upper case). */
export const agentName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Z0-9][A-Z0-9._-]*$/, 'an agent name is upper case letters, digits, ".", "_" and "-"');
export const regionName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Z0-9][A-Z0-9._-]*$/, 'a region name is upper case letters, digits, ".", "_" and "-"');
const instant = z.iso.datetime({ offset: true });
const uuid = z.uuid();

/** The CloudError vocabulary of src/clouds/driver.ts, as values. */
export const cloudErrorReasons = [
  'capacity',
  'quota',
  'unauthorized',
  'not_found',
  'conflict',
  'invalid',
  'api',
  'timeout',
  'unsupported',
] as const satisfies readonly CloudErrorReason[];
// A reason added to CloudErrorReason and not here stops the build.
const everyReason: Exclude<CloudErrorReason, (typeof cloudErrorReasons)[number]> extends never ? true : never = true;
void everyReason;

/** A call that failed at the agent: the cloud's own message, and whether trying again can help. */
export const callFailure = z.object({
  reason: z.enum(cloudErrorReasons),
  message: z.string().max(8000),
  retryable: z.boolean(),
  /** A run that failed part-way (PartialRunError): the instances that do exist. */
  created: z.array(cloudInstance).max(1000).optional(),
});
export type CallFailure = z.infer<typeof callFailure>;

// ---- server → agent (the region's request queue; the reply goes to the caller's reply queue) ----

export const driverCallRequest = z.object({
  region: regionName,
  /** The tenant the call is made for (the agent bounds concurrency per tenant and region). */
  tenant: z.string().min(1).max(64).nullable(),
  /** The same id for a retry of the same operation: the agent runs a mutating call at most once. */
  operationId: z.string().min(1).max(128),
  method: z.enum(driverMethodNames),
  /** The method's arguments between the region and the call context (see driver-methods.ts). */
  args: z.array(z.unknown()).max(16),
  /**
   * Answer as soon as the operation is recorded (`acceptedResult`) instead of when it is done:
   * for changes that take minutes. The outcome follows as an `operation.done` event.
   */
  accept: z.boolean().optional(),
});
/** The answer to an accepted DRIVER_CALL: the operation is recorded and runs; its outcome follows as an event. */
export const acceptedResult = z.object({ operationId: z.string().min(1).max(128), accepted: z.literal(true) });
export const validateRegionRequest = z.object({ region: regionName });
export const resendRequest = z.object({ region: regionName });

export const agentRequests = {
  DRIVER_CALL: driverCallRequest,
  VALIDATE_REGION: validateRegionRequest,
  RESEND: resendRequest,
} as const;
export type AgentRequestType = keyof typeof agentRequests;
export type AgentRequest = { [T in AgentRequestType]: { type: T; params: z.infer<(typeof agentRequests)[T]> } }[AgentRequestType];

/** The result of VALIDATE_REGION: the agent's driver reached the cloud with its credentials. */
export const validateRegionResult = z.object({ region: regionName, cloud: cloudKind, checkedAt: instant });
/** The result of RESEND: the listing that is on its way as LISTING_PAGE messages. */
export const resendResult = z.object({ region: regionName, listingId: uuid });

// ---- agent → server (the events queue, through the agent's outbox) ----

export const registerMessage = z.object({
  agent: agentName,
  version: z.string().max(64),
  regions: z.array(z.object({ name: regionName, cloud: cloudKind, capabilities: driverCapabilities })).max(1000),
  /** The key the agent signs with: the one to sign its requests with. */
  keyId: z.string().min(1).max(64),
  startedAt: instant,
});

export const heartbeatMessage = z.object({
  agent: agentName,
  regions: z.array(regionName).max(1000),
  /** Requests being executed now. */
  inFlight: z.number().int().nonnegative(),
  /** Messages in the agent's outbox, not yet confirmed by the broker. */
  outbox: z.number().int().nonnegative().optional(),
  at: instant,
});

const eventBase = {
  /** Deterministic (agent, region, resource, seq): a re-send carries the same id. */
  id: uuid,
  region: regionName,
  /** The native id of what the event is about (an instance, or an operation id). */
  resource: z.string().min(1).max(512),
  /** Strictly increasing per (region, resource), kept in the agent's store. */
  seq: z.number().int().positive(),
  at: instant,
};

export const agentEvent = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('instance.state'),
    data: z.object({ nativeId: z.string().max(512), state: instanceState, reason: z.string().max(4000).nullable() }),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('operation.progress'),
    data: z.object({ operationId: z.string().max(128), method: z.string().max(64), stage: z.string().max(64) }),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('operation.done'),
    data: z.object({
      operationId: z.string().max(128),
      method: z.string().max(64),
      tenant: z.string().max(64).nullable(),
      outcome: z.enum(['success', 'failure']),
      result: z.unknown().optional(),
      failure: callFailure.optional(),
    }),
  }),
]);
export type AgentEvent = z.infer<typeof agentEvent>;
export type AgentEventKind = AgentEvent['kind'];

export const eventsMessage = z.object({ agent: agentName, events: z.array(agentEvent).min(1).max(1000) });

/** At most this many instances per LISTING_PAGE. */
export const LISTING_PAGE_SIZE = 1000;

export const listingPageMessage = z.object({
  agent: agentName,
  region: regionName,
  listingId: uuid,
  /** 0, 1, 2 … within the listing. */
  page: z.number().int().nonnegative(),
  last: z.boolean(),
  /** False when the listing failed: the server must not treat what it lacks as gone. */
  complete: z.boolean(),
  /** When the agent asked the cloud. */
  at: instant,
  instances: z.array(cloudInstance).max(LISTING_PAGE_SIZE),
  error: z.string().max(8000).nullable(),
});

export const agentMessages = {
  REGISTER: registerMessage,
  HEARTBEAT: heartbeatMessage,
  EVENTS: eventsMessage,
  LISTING_PAGE: listingPageMessage,
} as const;
export type AgentMessageType = keyof typeof agentMessages;
export type AgentMessage = { [T in AgentMessageType]: { type: T; body: z.infer<(typeof agentMessages)[T]> } }[AgentMessageType];

export type RegisterMessage = z.infer<typeof registerMessage>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessage>;
export type EventsMessage = z.infer<typeof eventsMessage>;
export type ListingPageMessage = z.infer<typeof listingPageMessage>;
