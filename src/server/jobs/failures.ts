import * as events from '../../protocol/events/jobs.js';
import type { Database, Queryable } from '../../store/database.js';
import { initiatorOf, systemActor } from '../actor.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import type { FailedJob } from './queue.js';

/**
 * Makes failures visible: a job that fails for good is recorded as a `job.failed` event in the
 * very transaction that marks it failed, so there is never one without the other.
 */
export class FailureRecorder {
  readonly #origin: EventOrigin;

  constructor(
    private readonly db: Database,
    private readonly writer: EventWriter,
    private readonly nodeName: string,
  ) {
    this.#origin = { initiator: initiatorOf(systemActor('jobs')), requestId: null, observer: { typeURI: 'service/maestro', id: nodeName } };
  }

  /** Runs `change` in a transaction and records `job.failed` for each job it returns. */
  async record<T>(change: (tx: Queryable) => Promise<{ failed: readonly FailedJob[]; value: T }>): Promise<T> {
    const { recorded, value } = await this.db.transaction(async (tx) => {
      const { failed, value } = await change(tx);
      const recorded = failed.length > 0 ? await this.writer.append(tx, failed.map((job) => this.#event(job))) : [];
      return { recorded, value };
    });
    await this.writer.committed(recorded);
    return value;
  }

  #event(job: FailedJob) {
    return this.writer.build(
      events.jobFailed,
      { id: job.id, type: job.type, attempts: job.attempts, error: job.error, recurring: job.recurring, node: this.nodeName },
      { target: { id: job.id, name: job.type }, customerId: job.customerId, tenantId: job.tenantId, outcome: 'failure' },
      this.#origin,
    );
  }
}
