import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/database.js';
import { renewLeases } from './leases.js';
import { succeed, type Lease } from './queue.js';

interface Success {
  done: Lease & { result: unknown };
  resolve: (held: boolean) => void;
  reject: (error: unknown) => void;
}

interface Renewal {
  held: readonly Lease[];
  until: Date;
  resolve: (held: Set<string>) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * This node's multi-row writes to the leases it holds, one statement at a time:
 * - successes in batches: the jobs that finish while one batch is written go in the next, so a
 *   busy node commits once for many jobs and an idle one writes each job at once;
 * - lease renewals.
 * One at a time because a renewal and a batch may name the same rows in different orders, which
 * on two connections could deadlock.
 */
export class LeaseWriter {
  #successes: Success[] = [];
  #renewals: Renewal[] = [];
  #busy = false;

  constructor(
    private readonly db: Queryable,
    private readonly nodeId: string,
    private readonly clock: Clock,
  ) {}

  /** Resolves once written: true when the lease was still held (the success counts), false when it was lost. */
  succeed(lease: Lease, result: unknown): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#successes.push({ done: { ...lease, result }, resolve, reject });
      this.#kick();
    });
  }

  /** Extends the leases until `until`; resolves with the ids still held. */
  renew(held: readonly Lease[], until: Date): Promise<Set<string>> {
    return new Promise((resolve, reject) => {
      this.#renewals.push({ held, until, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#busy) return;
    this.#busy = true;
    // After the current round of I/O callbacks: jobs finishing together share the statement.
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    while (this.#renewals.length > 0 || this.#successes.length > 0) {
      const renewal = this.#renewals.shift();
      if (renewal) {
        await renewLeases(this.db, this.nodeId, renewal.held, renewal.until, this.clock.now()).then(renewal.resolve, renewal.reject);
        continue;
      }
      const batch = this.#successes.splice(0, MAX_BATCH);
      try {
        const held = await succeed(this.db, this.nodeId, batch.map((item) => item.done), this.clock.now());
        for (const item of batch) item.resolve(held.has(item.done.id));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.#busy = false;
  }
}
