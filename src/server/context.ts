import type { ParsedInputOf, OutputOf } from '../protocol/command.js';
import type { Managers } from '../protocol/commands/index.js';
import type { EventData, EventDefinition, EventReason, RecordedEvent } from '../protocol/events.js';
import type { DriverRegistry } from '../clouds/registry.js';
import type { SimulatedCloud } from '../clouds/sim/driver.js';
import type { Clock } from '../domain/clock.js';
import type { DiscoveryReport } from './compute/discovery-report.js';
import type { Database, Queryable } from '../store/database.js';
import type { Actor } from './actor.js';
import type { AfterCommit } from './after-commit.js';
import type { Access, Authorizer } from './access/authorizer.js';
import type { License } from '../domain/access/license.js';
import type { HourlyBilling } from './billing/hourly-billing.js';
import type { EmbeddedSimulator } from './embedded-agent.js';
import type { EventScope } from './event-writer.js';
import type { PendingEvent } from './pending-event.js';
import type { JobEngine } from './jobs/engine.js';
import type { NotificationServices } from './notifications/setup.js';
import type { SecretBox } from './secrets.js';

/** What the control plane offers handlers besides the call's own transaction. */
export interface Services {
  readonly db: Database;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly nodeName: string;
  readonly version: string;
  readonly startedAt: Date;
  readonly clouds: DriverRegistry;
  /** The built-in simulated cloud, for its administrative commands. */
  readonly simulator: SimulatedCloud;
  /** The simulator behind the embedded agent and the store it keeps its state in, when this server runs one. */
  embeddedSimulator(): EmbeddedSimulator | null;
  readonly cloudCallTimeoutMs: number;
  /** Decides every call from its definition (permissions, licence). */
  readonly authorizer: Authorizer;
  /** Notification templates and web push settings, for the notification commands. */
  readonly notifications: NotificationServices;
  /** The hourly billing job (billing.run catches up now). */
  readonly billing: HourlyBilling;
  /** The job engine: enqueue jobs, retry failed ones (docs/jobs.md). */
  readonly jobs: JobEngine;
  /** The licence of customers no administrator gave one. */
  defaultLicense(): License;
  /** Runs discovery in one region now. */
  discover(regionName: string): Promise<DiscoveryReport>;
  /** Drops and replays every projection (system.rebuild), recording who asked (Maestro itself when no one is given). */
  rebuild(by?: { actor: Actor; requestId: string | null }): Promise<{ events: number; projections: string[]; milliseconds: number }>;
}

/**
 * One call as a handler sees it. `db` is the call's transaction for commands that change state
 * (so reads see the events emitted so far) and the pool for reads.
 */
export interface CommandContext {
  readonly actor: Actor;
  /** Where the call acts and what else the caller may do, as authorisation found it. */
  readonly access: Access;
  readonly requestId: string | null;
  /** Why Maestro made this call on its own (see CallOptions.reason); null for calls someone asked for. */
  readonly reason: EventReason | null;
  readonly db: Queryable;
  readonly services: Services;
  /** Records an event and updates the projections, in the call's transaction. */
  emit<E extends EventDefinition>(definition: E, data: EventData<E>, scope: EventScope): Promise<RecordedEvent>;
  /** Records many events at once (one append, one projection pass): multi-instance runs. */
  emitMany(events: ReadonlyArray<PendingEvent>): Promise<RecordedEvent[]>;
}

/** A handler answers its output, or work that gives it once the call has committed (`src/server/after-commit.ts`). */
export type Handler<C> = (input: ParsedInputOf<C>, ctx: CommandContext) => Promise<OutputOf<C> | AfterCommit<OutputOf<C>>>;

export type ManagerHandlers<M> = { [K in keyof M]: Handler<M[K]> };

/** One handler per command definition; a missing one is a compile error. */
export type AllHandlers = { [M in keyof Managers]: ManagerHandlers<Managers[M]> };
