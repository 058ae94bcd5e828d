import type { EventData, EventDefinition } from '../protocol/events.js';
import type { EventScope } from './event-writer.js';

/** An event to record with others in one append (multi-instance runs, discovery). */
export interface PendingEvent<E extends EventDefinition = EventDefinition> {
  definition: E;
  data: EventData<E>;
  scope: EventScope;
}

/** Pairs an event definition with its data, type-checked. */
export const pending = <E extends EventDefinition>(definition: E, data: EventData<E>, scope: EventScope): PendingEvent =>
  ({ definition, data, scope }) as PendingEvent;
