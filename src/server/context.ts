import type { ParsedInputOf, OutputOf } from '../protocol/command.js';
import type { Managers } from '../protocol/commands/index.js';
import type { EventData, EventDefinition, RecordedEvent } from '../protocol/events.js';
import type { Clock } from '../domain/clock.js';
import type { Database, Queryable } from '../store/database.js';
import type { Actor } from './actor.js';
import type { EventScope } from './event-writer.js';
import type { SecretBox } from './secrets.js';

/** What the control plane offers handlers besides the call's own transaction. */
export interface Services {
  readonly db: Database;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly nodeName: string;
  readonly version: string;
  readonly startedAt: Date;
  /** Drops and replays every projection (system.rebuild). */
  rebuild(): Promise<{ events: number; projections: string[]; milliseconds: number }>;
}

/**
 * One call as a handler sees it. `db` is the call's transaction for commands that change state
 * (so reads see the events emitted so far) and the pool for reads.
 */
export interface CommandContext {
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly db: Queryable;
  readonly services: Services;
  /** Records an event and updates the projections, in the call's transaction. */
  emit<E extends EventDefinition>(definition: E, data: EventData<E>, scope: EventScope): Promise<RecordedEvent>;
}

export type Handler<C> = (input: ParsedInputOf<C>, ctx: CommandContext) => Promise<OutputOf<C>>;

export type ManagerHandlers<M> = { [K in keyof M]: Handler<M[K]> };

/** One handler per command definition; a missing one is a compile error. */
export type AllHandlers = { [M in keyof Managers]: ManagerHandlers<Managers[M]> };
