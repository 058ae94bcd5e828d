import type { z } from 'zod';
import type { Queryable } from '../../store/database.js';
import type { ClaimedJob, NewJob } from './queue.js';

/** What a handler returns to be run again later, without it counting as an attempt. */
export class Postponement {
  constructor(readonly until: Date) {}
}

export interface JobContext {
  readonly job: ClaimedJob;
  /** Aborted when this node stops or loses the job's lease: stop soon; the job will run again. */
  readonly signal: AbortSignal;
  /** `return ctx.postpone(60_000)` (or a date): status postponed, run again no sooner than then. */
  postpone(delay: number | Date): Postponement;
  /** Stores what the job has done so far (JSON), shown by `jobs.describe` while it runs and after; false once the lease is lost. */
  progress(report: unknown): Promise<boolean>;
  /**
   * Locks the job's row in `tx`; true while this attempt still holds the lease. Work committed in
   * `tx` after a true answer cannot be committed a second time by a node that took the job over.
   */
  holdsLease(tx: Queryable): Promise<boolean>;
}

/** Runs one job. What it returns (JSON) is kept as the job's result; what it throws is its error. */
export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<unknown>;

/** How jobs of a type are enqueued unless the enqueuer says otherwise. */
export type JobTypeDefaults = Pick<NewJob, 'priority' | 'maxAttempts' | 'backoffMs'>;

export interface JobTypeOptions<P> extends JobTypeDefaults {
  /** Checked before the handler runs; a payload that does not match fails the job at once (it never will). */
  payload?: z.ZodType<P>;
  /** Whether another attempt could end otherwise after the handler threw `error` (default: always); false fails the job at once. */
  retryable?: (error: unknown) => boolean;
}

interface Registered {
  run: JobHandler<unknown>;
  options: JobTypeOptions<unknown>;
}

/** The job types this node can run, by type name. A node claims only these. */
export class JobRegistry {
  readonly #types = new Map<string, Registered>();

  register<P>(type: string, run: JobHandler<P>, options: JobTypeOptions<P> = {}): void {
    if (this.#types.has(type)) throw new Error(`job type ${type} is registered twice`);
    this.#types.set(type, { run: run as JobHandler<unknown>, options: options as JobTypeOptions<unknown> });
  }

  get(type: string): Registered | undefined {
    return this.#types.get(type);
  }

  types(): string[] {
    return [...this.#types.keys()];
  }

  /** The enqueue defaults of a type (none for types this node does not know). */
  defaults(type: string): JobTypeDefaults {
    const { priority, maxAttempts, backoffMs } = this.#types.get(type)?.options ?? {};
    return {
      ...(priority !== undefined ? { priority } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(backoffMs !== undefined ? { backoffMs } : {}),
    };
  }
}
