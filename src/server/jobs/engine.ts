import type { Clock } from '../../domain/clock.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Database, Queryable } from '../../store/database.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import { FailureRecorder } from './failures.js';
import { expireLeases } from './leases.js';
import { LOST_AFTER_HEARTBEATS, NodeHeartbeat } from './node-heartbeat.js';
import { enqueue, retryFailed, type NewJob } from './queue.js';
import { defineRecurring, disableRecurring, removeRecurring, type RecurringDefinition } from './recurring.js';
import { JobRegistry, type JobHandler, type JobTypeOptions } from './registry.js';
import { RecurringScheduler } from './scheduler.js';
import { JobWaiters, type EndedJob } from './waiters.js';
import { JobWorker } from './worker.js';

/** Nodes tell each other a job was enqueued (PostgreSQL); the payload is the job type, for reading logs. */
export const JOBS_CHANNEL = 'maestro_jobs';

export interface JobEngineOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  writer: EventWriter;
  nodeName: string;
  version: string;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  heartbeatMs: number;
}

/**
 * The job engine of one node (docs/jobs.md): handlers by job type, enqueueing, the worker that
 * runs claimed jobs, the recurring scheduler, the expiry of other nodes' leases and this node's
 * heartbeat. Everything it knows is in the database, so any number of nodes share the work.
 */
export class JobEngine {
  /** This run of the node: leases name it, so a restarted node never mistakes its old leases for its own. */
  readonly nodeId = uuidv7();
  readonly registry = new JobRegistry();
  readonly #worker: JobWorker;
  readonly #scheduler: RecurringScheduler;
  readonly #heartbeat: NodeHeartbeat;
  readonly #failures: FailureRecorder;
  readonly #poll: CoalescingRunner;
  readonly #waiters: JobWaiters;
  #unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly options: JobEngineOptions) {
    const { db, clock, logger } = options;
    this.#waiters = new JobWaiters(db, options.pollMs);
    this.#failures = new FailureRecorder(db, options.writer, options.nodeName);
    this.#worker = new JobWorker(
      { db, clock, logger, registry: this.registry, failures: this.#failures, settled: (id) => this.#waiters.settled(id) },
      { nodeId: this.nodeId, concurrency: options.concurrency, leaseMs: options.leaseMs },
    );
    this.#scheduler = new RecurringScheduler(db, clock, logger, (tx, job) => this.#enqueueIn(tx, job));
    this.#heartbeat = new NodeHeartbeat(
      db,
      clock,
      logger,
      { id: this.nodeId, name: options.nodeName, version: options.version },
      options.heartbeatMs,
      () => ({ running: this.#worker.running, concurrency: options.concurrency }),
    );
    this.#poll = new CoalescingRunner(() => this.tick(), options.pollMs, (error) => logger.error({ err: error }, 'job engine poll failed'));
  }

  /** Jobs running on this node now. */
  get running(): number {
    return this.#worker.running;
  }

  /** How old a heartbeat may be before its node is shown as lost. */
  get lostAfterMs(): number {
    return LOST_AFTER_HEARTBEATS * this.options.heartbeatMs;
  }

  /** Teaches this node a job type; it claims jobs of that type from then on. */
  register<P>(type: string, handler: JobHandler<P>, options?: JobTypeOptions<P>): void {
    this.registry.register(type, handler, options);
    this.#worker.wake();
  }

  /**
   * Adds a job, with its type's defaults for what `job` leaves out. Given a transaction, the job
   * exists when it commits; the workers of every node are woken then.
   */
  async enqueue(job: NewJob, db: Queryable = this.options.db): Promise<{ id: string; created: boolean }> {
    const result = await this.#enqueueIn(db, job);
    this.#worker.wake();
    return result;
  }

  async defineRecurring(definition: RecurringDefinition): Promise<void> {
    await defineRecurring(this.options.db, definition, this.options.clock.now());
    this.#poll.wake();
  }

  async disableRecurring(names: readonly string[]): Promise<void> {
    await disableRecurring(this.options.db, names, this.options.clock.now());
  }

  removeRecurring(name: string): Promise<boolean> {
    return removeRecurring(this.options.db, name);
  }

  /**
   * Resolves when job `id` has succeeded or failed for good (null: no such job). Give it the pool,
   * never a transaction that the job waits for. Woken at once for jobs this node runs, every poll
   * interval for jobs of other nodes.
   */
  waitFor(id: string): Promise<EndedJob | null> {
    return this.#waiters.until(id);
  }

  /** A failed job back to the queue with all its attempts; null unless it was failed. */
  async retry(id: string, db: Queryable): Promise<{ id: string; type: string; error: string | null } | null> {
    const retried = await retryFailed(db, id, this.options.clock.now());
    if (retried) await this.#notify(db, retried.type);
    this.#worker.wake();
    return retried;
  }

  /** Where this node serves the API (shown with the node). */
  setUrl(url: string): void {
    this.#heartbeat.setUrl(url);
  }

  async start(): Promise<void> {
    await this.#heartbeat.start();
    if (this.options.db.kind === 'postgres') {
      const wake = () => this.#worker.wake();
      this.#unlisten = await this.options.db.listen(JOBS_CHANNEL, wake, wake);
    }
    this.#worker.start();
    this.#poll.start();
    this.#poll.wake();
  }

  wake(): void {
    this.#worker.wake();
  }

  /** One pass of what the poll does: expired leases, due recurring jobs, then a claim. */
  async tick(): Promise<void> {
    await this.#expireLeases();
    await this.#scheduler.runDue();
    this.#worker.wake();
  }

  /** Renews the leases of this node's running jobs now, as its timer does every third of a lease. */
  renewLeases(): Promise<void> {
    return this.#worker.renewLeases();
  }

  async stop(): Promise<void> {
    await this.#poll.stop();
    await this.#unlisten?.();
    await this.#worker.stop();
    await this.#heartbeat.stop();
  }

  async #expireLeases(): Promise<void> {
    const now = this.options.clock.now();
    const batch = 100;
    for (;;) {
      const { expired, failed } = await this.#failures.record(async (tx) => {
        const result = await expireLeases(tx, now, batch);
        return { failed: result.failed, value: result };
      });
      if (expired > 0) this.options.logger.warn({ expired, failed: failed.length }, 'job leases expired: their jobs go back to the queue');
      if (expired < batch) return;
    }
  }

  async #enqueueIn(db: Queryable, job: NewJob): Promise<{ id: string; created: boolean }> {
    const result = await enqueue(db, { ...this.registry.defaults(job.type), ...job }, this.options.clock.now());
    if (result.created) await this.#notify(db, job.type);
    return result;
  }

  async #notify(db: Queryable, type: string): Promise<void> {
    // Sent when the transaction commits; this node hears it too.
    if (this.options.db.kind === 'postgres') await db.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, type]);
  }
}
