import os from 'node:os';
import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/database.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';

export interface NodeIdentity {
  id: string;
  name: string;
  version: string;
}

export interface NodeLoad {
  loadAverage: number[];
  rssBytes: number;
  heapUsedBytes: number;
  jobsRunning: number;
  jobConcurrency: number;
}

/** How many heartbeats a node may miss before it is shown as lost. */
export const LOST_AFTER_HEARTBEATS = 3;

/**
 * This node's row in `nodes` (the seed's JMX page): written at start, refreshed every interval
 * with its load, marked stopped when it shuts down. A node that stops beating without shutting
 * down (killed, cut off) is shown as lost once its heartbeat is three intervals old.
 */
export class NodeHeartbeat {
  readonly #runner: CoalescingRunner;
  readonly #startedAt: Date;
  #url: string | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly identity: NodeIdentity,
    intervalMs: number,
    private readonly jobs: () => { running: number; concurrency: number },
  ) {
    this.#startedAt = clock.now();
    this.#runner = new CoalescingRunner(() => this.beat(), intervalMs, (error) =>
      this.logger.warn({ err: error }, 'node heartbeat failed; trying again'),
    );
  }

  async start(): Promise<void> {
    await this.beat();
    this.#runner.start();
  }

  /** Where this node serves the API, once it listens. */
  setUrl(url: string): void {
    this.#url = url;
    this.#runner.wake();
  }

  /** Writes the heartbeat (and the row itself, should a clean-up have removed it). */
  async beat(status: 'running' | 'stopped' = 'running'): Promise<void> {
    const jobs = this.jobs();
    const memory = process.memoryUsage();
    const load: NodeLoad = {
      loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      jobsRunning: jobs.running,
      jobConcurrency: jobs.concurrency,
    };
    await this.db.query(
      `INSERT INTO nodes (id, name, host, pid, url, version, started_at, heartbeat_at, status, load)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at, status = excluded.status, load = excluded.load`,
      [
        this.identity.id,
        this.identity.name,
        os.hostname(),
        process.pid,
        this.#url,
        this.identity.version,
        this.#startedAt.toISOString(),
        this.clock.now().toISOString(),
        status,
        JSON.stringify(load),
      ],
    );
  }

  async stop(): Promise<void> {
    await this.#runner.stop();
    await this.beat('stopped');
  }
}

/** Forgets nodes whose last heartbeat is older than `before` (stopped or lost long ago). */
export async function deleteNodesGone(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM nodes WHERE heartbeat_at < $1', [before.toISOString()]);
  return rowCount;
}
