import type { JobStatus } from '../../protocol/jobs.js';
import type { Queryable } from '../../store/database.js';

/** A job as one waiting for it sees it once it ended. */
export interface EndedJob {
  id: string;
  status: Extract<JobStatus, 'success' | 'failed'>;
  result: unknown;
  error: string | null;
  progress: unknown;
}

/**
 * Callers waiting for a job to end (a command asked to wait for the job it enqueued). A job this
 * node runs wakes its waiters as soon as its outcome is recorded; a job another node runs is
 * looked at again every `pollMs`.
 */
export class JobWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: Queryable,
    private readonly pollMs: number,
  ) {}

  /** This node recorded the outcome of job `id`. */
  settled(id: string): void {
    const wakes = this.#waiting.get(id);
    this.#waiting.delete(id);
    for (const wake of wakes ?? []) wake();
  }

  /** Resolves when job `id` has succeeded or failed for good; null when there is no such job. */
  async until(id: string): Promise<EndedJob | null> {
    for (;;) {
      // Listening before reading: an outcome recorded in between still wakes this loop.
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const wakes = this.#waiting.get(id) ?? new Set();
      wakes.add(wake);
      this.#waiting.set(id, wakes);
      const timer = setTimeout(wake, this.pollMs);
      try {
        const { rows } = await this.db.query<EndedJob & { status: JobStatus }>('SELECT id, status, result, error, progress FROM jobs WHERE id = $1', [id]);
        const job = rows[0];
        if (!job) return null;
        if (job.status === 'success' || job.status === 'failed') return job as EndedJob;
        await woken;
      } finally {
        clearTimeout(timer);
        wakes.delete(wake);
        if (wakes.size === 0 && this.#waiting.get(id) === wakes) this.#waiting.delete(id);
      }
    }
  }
}
