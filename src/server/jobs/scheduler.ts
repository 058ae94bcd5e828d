import type { Clock } from '../../domain/clock.js';
import type { Database, Queryable } from '../../store/database.js';
import type { Logger } from '../logger.js';
import type { NewJob } from './queue.js';
import { advanceRecurring, dueRecurring, isUnfinished, scheduleOf, setLastJob, type RecurringRow } from './recurring.js';
import { latestDue, nextDue } from './schedule.js';

/**
 * Turns due recurring definitions into jobs. Every node runs it on its poll; each due time is
 * claimed by one node (compare-and-set on the definition's next due time, and the job's
 * idempotency key `recurring:<name>:<due time>` besides). When several due times passed while no
 * node was running, only the latest is enqueued: a recurring job catches up the work of the runs
 * it missed itself (billing bills every hour not billed yet), so running it once per missed time
 * would only repeat it. A due time that comes while the previous run is still waiting or running
 * is skipped, as a timer that does one run at a time would.
 */
export class RecurringScheduler {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly enqueueIn: (tx: Queryable, job: NewJob) => Promise<{ id: string }>,
  ) {}

  /** Enqueues the jobs whose due time came; returns how many this node enqueued. */
  async runDue(): Promise<number> {
    const now = this.clock.now();
    let enqueued = 0;
    for (const row of await dueRecurring(this.db, now)) {
      try {
        if (await this.#enqueueDue(row, now)) enqueued += 1;
      } catch (error) {
        this.logger.error({ err: error, recurring: row.name }, 'enqueuing a recurring job failed; trying again on the next poll');
      }
    }
    return enqueued;
  }

  async #enqueueDue(row: RecurringRow, now: Date): Promise<boolean> {
    const schedule = scheduleOf(row);
    const due = latestDue(schedule, now) ?? new Date(row.nextRunAt!);
    return this.db.transaction(async (tx) => {
      const claimed = await advanceRecurring(tx, row.name, row.nextRunAt!, due, nextDue(schedule, now));
      if (!claimed) return false;
      if (claimed.previousJobId && (await isUnfinished(tx, claimed.previousJobId))) {
        this.logger.info({ recurring: row.name, due: due.toISOString() }, 'recurring job skipped: its previous run has not finished');
        return false;
      }
      const job = await this.enqueueIn(tx, {
        type: row.type,
        payload: row.payload,
        priority: row.priority,
        recurring: row.name,
        idempotencyKey: `recurring:${row.name}:${due.toISOString()}`,
      });
      await setLastJob(tx, row.name, job.id);
      return true;
    });
  }
}
