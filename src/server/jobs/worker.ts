import type { Clock } from '../../domain/clock.js';
import type { Database } from '../../store/database.js';
import { describeIssues } from '../../protocol/schema-issues.js';
import type { Logger } from '../logger.js';
import { afterFailure } from './backoff.js';
import type { FailureRecorder } from './failures.js';
import { LeaseWriter } from './lease-writer.js';
import { claim, fail, lockLease, postpone, recordProgress, type ClaimedJob, type Lease } from './queue.js';
import { Postponement, type JobRegistry } from './registry.js';

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  registry: JobRegistry;
  failures: FailureRecorder;
  /** Hears that the outcome of a job was recorded (or could not be). */
  settled(id: string): void;
}

export interface WorkerOptions {
  nodeId: string;
  /** Handlers run at once; 0: this node runs no jobs. */
  concurrency: number;
  leaseMs: number;
}

/** How a handler's run ended, to be recorded under the job's lease. */
type Outcome =
  | { kind: 'success'; result: unknown }
  | { kind: 'postponed'; until: Date }
  | { kind: 'failure'; error: unknown; retryable: boolean };

interface Running {
  job: ClaimedJob;
  controller: AbortController;
}

const leaseOf = (job: ClaimedJob): Lease => ({ id: job.id, attempt: job.attempts });

/** A handler's result as it can be stored (JSON), never an error of its own. */
function storable(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) ?? null;
  } catch {
    return { unstorable: String(value) };
  }
}

function errorDetails(error: unknown): { message: string; stack: string | null } {
  if (error instanceof Error) return { message: error.message || error.name, stack: error.stack ?? null };
  return { message: String(error), stack: null };
}

/**
 * Runs jobs on this node, up to `concurrency` handlers at once: claims as many due jobs as there
 * are free slots (one statement for all of them), runs their handlers, and records each outcome
 * under the job's lease. A slot is free again as soon as its handler returns: recording the
 * outcome (successes in batches) overlaps the next claim. Woken when a job may be due (enqueued
 * here, NOTIFY from another node, the poll); a claim that comes back short means the queue is
 * drained until the next wake. The leases of running jobs are renewed every third of the lease; a
 * job whose lease was lost has its signal aborted, and whatever it then reports is ignored
 * (another node runs it again).
 */
export class JobWorker {
  readonly #running = new Map<string, Running>();
  /** Every job not done with: running, or its outcome being recorded (what stop() waits for). */
  readonly #unsettled = new Set<Promise<void>>();
  readonly #writer: LeaseWriter;
  #claiming: Promise<void> | null = null;
  #again = false;
  #fillScheduled = false;
  /** Whether due jobs may be waiting: set by every wake, cleared by a short claim no wake overtook. */
  #maybeDue = true;
  #wakes = 0;
  #renewal: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.#writer = new LeaseWriter(deps.db, options.nodeId, deps.clock);
  }

  /** Handlers running now. */
  get running(): number {
    return this.#running.size;
  }

  start(): void {
    if (this.options.concurrency === 0) return;
    this.#renewal = setInterval(() => void this.renewLeases(), Math.max(10, Math.floor(this.options.leaseMs / 3)));
    this.#renewal.unref();
    this.wake();
  }

  wake(): void {
    this.#wakes += 1;
    this.#maybeDue = true;
    this.#fill();
  }

  /** Lets running jobs finish (their signals aborted), for at most a lease; jobs still running then run again elsewhere. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#claiming;
    for (const entry of this.#running.values()) entry.controller.abort(new Error('the node is stopping'));
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.leaseMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.#unsettled]), givenUp]);
    clearTimeout(timer);
    if (this.#renewal) clearInterval(this.#renewal);
  }

  #fill(): void {
    if (this.#stopped || !this.#maybeDue) return;
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    const free = this.options.concurrency - this.#running.size;
    if (free <= 0) return;
    this.#again = false;
    this.#claiming = this.#claim(free).finally(() => {
      this.#claiming = null;
      if (this.#again) this.#fill();
    });
  }

  /** After the jobs finishing together have all freed their slots: one claim for all of them. */
  #fillSoon(): void {
    if (this.#fillScheduled) return;
    this.#fillScheduled = true;
    setImmediate(() => {
      this.#fillScheduled = false;
      this.#fill();
    });
  }

  async #claim(limit: number): Promise<void> {
    const wakes = this.#wakes;
    try {
      const jobs = await claim(this.deps.db, {
        nodeId: this.options.nodeId,
        types: this.deps.registry.types(),
        limit,
        now: this.deps.clock.now(),
        leaseMs: this.options.leaseMs,
      });
      for (const job of jobs) this.#start(job);
      if (jobs.length === limit) this.#again = true;
      else if (this.#wakes === wakes) this.#maybeDue = false;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'claiming jobs failed; trying again on the next wake');
    }
  }

  #start(job: ClaimedJob): void {
    const controller = new AbortController();
    if (this.#stopped) controller.abort(new Error('the node is stopping'));
    this.#running.set(job.id, { job, controller });
    const settled: Promise<void> = this.#execute(job, controller.signal)
      .then((outcome) => {
        this.#running.delete(job.id);
        this.#fillSoon();
        return this.#record(job, outcome);
      })
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: error, job: job.id, type: job.type },
          'recording the outcome of a job failed; it runs again once its lease expires',
        ),
      )
      .finally(() => {
        this.#unsettled.delete(settled);
        this.deps.settled(job.id);
      });
    this.#unsettled.add(settled);
  }

  /** Runs the handler; never throws: a throw is the outcome. */
  async #execute(job: ClaimedJob, signal: AbortSignal): Promise<Outcome> {
    const registered = this.deps.registry.get(job.type);
    if (!registered) return { kind: 'failure', error: new Error(`no handler for job type ${job.type} on this node`), retryable: false };
    let payload: unknown = job.payload;
    if (registered.options.payload) {
      const parsed = registered.options.payload.safeParse(job.payload);
      if (!parsed.success) {
        return { kind: 'failure', error: new Error(`invalid payload for ${job.type}: ${describeIssues(parsed.error)}`), retryable: false };
      }
      payload = parsed.data;
    }
    try {
      const { db, clock } = this.deps;
      const { nodeId } = this.options;
      const returned = await registered.run(payload, {
        job,
        signal,
        postpone: (delay) => new Postponement(typeof delay === 'number' ? new Date(clock.now().getTime() + delay) : delay),
        progress: (report) => recordProgress(db, nodeId, leaseOf(job), storable(report), clock.now()),
        holdsLease: (tx) => lockLease(tx, nodeId, leaseOf(job)),
      });
      return returned instanceof Postponement ? { kind: 'postponed', until: returned.until } : { kind: 'success', result: storable(returned) };
    } catch (error) {
      return { kind: 'failure', error, retryable: registered.options.retryable?.(error) ?? true };
    }
  }

  async #record(job: ClaimedJob, outcome: Outcome): Promise<void> {
    const about = { job: job.id, type: job.type, attempt: job.attempts };
    if (outcome.kind === 'success') {
      if (!(await this.#writer.succeed(leaseOf(job), outcome.result))) {
        this.deps.logger.warn(about, 'a job finished after its lease was lost; another node runs it again');
      }
    } else if (outcome.kind === 'postponed') {
      const held = await postpone(this.deps.db, this.options.nodeId, leaseOf(job), outcome.until, this.deps.clock.now());
      if (held) this.deps.logger.debug({ ...about, until: outcome.until.toISOString() }, 'job postponed');
      else this.deps.logger.warn(about, 'a job asked to be postponed after its lease was lost; another node runs it');
    } else {
      await this.#failed(job, outcome.error, outcome.retryable);
    }
  }

  async #failed(job: ClaimedJob, error: unknown, retryable: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const next = afterFailure(job, now, retryable);
    const row = await this.deps.failures.record(async (tx) => {
      const row = await fail(tx, this.options.nodeId, leaseOf(job), next, errorDetails(error), now);
      return { failed: row?.status === 'failed' ? [row] : [], value: row };
    });
    const about = { job: job.id, type: job.type, attempt: job.attempts, err: error };
    if (!row) this.deps.logger.warn(about, 'a job failed after its lease was lost; another node runs it again');
    else if (next.status === 'failed') this.deps.logger.error(about, `job ${job.type} failed for good after ${job.attempts} attempt(s)`);
    else this.deps.logger.warn({ ...about, retryAt: next.runAt.toISOString() }, `job ${job.type} failed; it will be retried`);
  }

  /** Moves the leases of the jobs running here on by a lease (the timer calls it every third of one). */
  async renewLeases(): Promise<void> {
    const entries = [...this.#running.values()];
    if (entries.length === 0) return;
    const now = this.deps.clock.now();
    try {
      const held = await this.#writer.renew(entries.map((entry) => leaseOf(entry.job)), new Date(now.getTime() + this.options.leaseMs));
      for (const entry of entries) {
        // A job that finished meanwhile holds no lease either; aborting its spent signal changes nothing.
        if (!held.has(entry.job.id)) entry.controller.abort(new Error('the job lease was lost'));
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'renewing job leases failed; trying again');
    }
  }
}
