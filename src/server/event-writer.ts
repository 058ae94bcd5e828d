import type { EventBus } from '../bus/bus.js';
import { topics } from '../bus/bus.js';
import { targetTypes } from '../protocol/cadf.js';
import { AppError } from '../protocol/errors.js';
import type { EventData, EventDefinition, EventReason, Initiator, RecordedEvent } from '../protocol/events.js';
import { uuidv7 } from '../protocol/ids.js';
import type { Clock } from '../domain/clock.js';
import type { Database, Queryable } from '../store/database.js';
import { appendEvents, type NewEvent } from '../store/event-log.js';
import { applyProjections, type Projection } from '../store/projection.js';

export interface EventScope {
  target: { id: string; name?: string };
  customerId?: string | null;
  tenantId?: string | null;
  region?: string | null;
  outcome?: RecordedEvent['outcome'];
  reason?: RecordedEvent['reason'];
}

export interface EventOrigin {
  initiator: Initiator;
  requestId: string | null;
  observer: RecordedEvent['observer'];
  /** Why the call was made (Maestro acting on its own); the reason of each event it records unless the scope gives one. */
  reason?: EventReason | null;
}

export const NOTIFY_CHANNEL = 'maestro_events';

/** What nodes tell each other after a commit (bus and NOTIFY): how far the log goes, and what changed. */
export interface CommittedMessage {
  seq: number;
  types: string[];
}

const committedMessage = (events: readonly RecordedEvent[]): CommittedMessage => ({
  seq: events.at(-1)!.seq,
  types: [...new Set(events.map((event) => event.type))],
});

/**
 * Turns domain events into log records and appends them with their projections in the
 * caller's transaction. After commit, `committed` tells the outbox relay (this node through the
 * bus, other nodes through NOTIFY) that there is something new to read.
 */
export class EventWriter {
  readonly #definitions = new Map<string, EventDefinition>();

  constructor(
    private readonly db: Database,
    private readonly projections: readonly Projection[],
    private readonly bus: EventBus,
    private readonly clock: Clock,
    definitions: readonly EventDefinition[],
  ) {
    for (const definition of definitions) this.#definitions.set(definition.type, definition);
  }

  definitionOf(type: string): EventDefinition | undefined {
    return this.#definitions.get(type);
  }

  build<E extends EventDefinition>(definition: E, data: EventData<E>, scope: EventScope, origin: EventOrigin): NewEvent {
    const parsed = definition.data.safeParse(data);
    if (!parsed.success) {
      // A handler built an event its own definition rejects: a bug, not bad input.
      throw new AppError('internal', `event ${definition.type} does not match its schema: ${parsed.error.message}`);
    }
    return {
      id: uuidv7(),
      type: definition.type,
      time: this.clock.now().toISOString(),
      eventType: definition.eventType,
      action: definition.action,
      outcome: scope.outcome ?? 'success',
      initiator: origin.initiator,
      target: { typeURI: definition.target, ...scope.target },
      observer: origin.observer,
      customerId: scope.customerId ?? null,
      tenantId: scope.tenantId ?? null,
      region: scope.region ?? null,
      requestId: origin.requestId,
      reason: scope.reason ?? origin.reason ?? null,
      data: parsed.data as Record<string, unknown>,
    };
  }

  /**
   * The audit record of a well-formed call that was refused (forbidden, not found, conflict …).
   * It names the command and why, never the parameters, which may hold secrets.
   */
  buildRejection(
    command: { name: string; audit: RecordedEvent['action'] },
    error: AppError,
    scope: Pick<EventScope, 'customerId' | 'tenantId'>,
    origin: EventOrigin,
  ): NewEvent {
    return {
      id: uuidv7(),
      type: 'command.rejected',
      time: this.clock.now().toISOString(),
      eventType: 'activity',
      action: command.audit,
      outcome: 'failure',
      initiator: origin.initiator,
      target: { typeURI: targetTypes.api, id: command.name },
      observer: origin.observer,
      customerId: scope.customerId ?? null,
      tenantId: scope.tenantId ?? null,
      region: null,
      requestId: origin.requestId,
      reason: { reasonType: 'maestro/error', reasonCode: error.kind },
      data: { command: command.name, error: error.kind, message: error.message },
    };
  }

  async append(tx: Queryable, events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    const recorded = await appendEvents(tx, events);
    await applyProjections(tx, this.projections, recorded);
    if (this.db.kind === 'postgres' && recorded.length > 0) {
      await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify(committedMessage(recorded))]);
    }
    return recorded;
  }

  /** Appends in a transaction of its own (failure audits, control events). */
  async appendStandalone(events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    const recorded = await this.db.transaction((tx) => this.append(tx, events));
    await this.committed(recorded);
    return recorded;
  }

  async committed(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.bus.publish(topics.eventsCommitted, committedMessage(events));
  }
}
