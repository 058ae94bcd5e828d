import type { z } from 'zod';
import {
  CADF_EVENT_TYPE_URI,
  type CadfAction,
  type CadfEventType,
  type CadfOutcome,
  type CadfRecord,
  type CadfResource,
  type TargetTypeUri,
} from './cadf.js';

/**
 * A domain event type: what happened (`tenant.created`), the CADF action and target type it is
 * audited as, and the schema of its payload. Projections fold payloads into read models; the
 * audit log shows the payload minus `secretFields`.
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly action: CadfAction;
  readonly target: TargetTypeUri;
  readonly eventType: CadfEventType;
  readonly data: S;
  readonly secretFields: readonly string[];
}

export function defineEvent<S extends z.ZodType>(
  type: string,
  spec: {
    action: CadfAction;
    target: TargetTypeUri;
    data: S;
    eventType?: CadfEventType;
    secretFields?: readonly string[];
  },
): EventDefinition<S> {
  return {
    type,
    action: spec.action,
    target: spec.target,
    eventType: spec.eventType ?? 'activity',
    data: spec.data,
    secretFields: spec.secretFields ?? [],
  };
}

export type EventData<E> = E extends EventDefinition<infer S> ? z.output<S> : never;

export interface Initiator {
  id: string;
  name: string;
  typeURI: string;
  address?: string;
  agent?: string;
}

/** Why something was done, when it is not simply that someone asked (CADF `reason`). */
export interface EventReason {
  reasonType: string;
  reasonCode: string;
}

/** An event as stored in the log, in the order of its sequence number. */
export interface RecordedEvent<D = Record<string, unknown>> {
  seq: number;
  id: string;
  type: string;
  time: string;
  eventType: CadfEventType;
  action: CadfAction;
  outcome: CadfOutcome;
  initiator: Initiator;
  target: { typeURI: string; id: string; name?: string };
  observer: { typeURI: string; id: string };
  customerId: string | null;
  tenantId: string | null;
  region: string | null;
  requestId: string | null;
  reason: EventReason | null;
  data: D;
}

/** Renders a recorded event as a CADF 1.0 record; tenant, region and sequence ride in an attachment. */
export function toCadf(event: RecordedEvent, secretFields: readonly string[] = []): CadfRecord {
  const initiator: CadfResource = {
    typeURI: event.initiator.typeURI,
    id: event.initiator.id,
    name: event.initiator.name,
  };
  if (event.initiator.address || event.initiator.agent) {
    initiator.host = {
      ...(event.initiator.address ? { address: event.initiator.address } : {}),
      ...(event.initiator.agent ? { agent: event.initiator.agent } : {}),
    };
  }
  const content: Record<string, unknown> = { ...event.data };
  for (const field of secretFields) delete content[field];
  return {
    typeURI: CADF_EVENT_TYPE_URI,
    id: event.id,
    eventType: event.eventType,
    eventTime: event.time,
    action: event.action,
    outcome: event.outcome,
    initiator,
    target: event.target,
    observer: event.observer,
    ...(event.reason ? { reason: event.reason } : {}),
    attachments: [
      {
        typeURI: 'maestro/scope',
        name: 'scope',
        content: {
          seq: event.seq,
          type: event.type,
          customerId: event.customerId,
          tenantId: event.tenantId,
          region: event.region,
          requestId: event.requestId,
        },
      },
      { typeURI: 'maestro/data', name: 'data', content },
    ],
  };
}
