import path from 'node:path';
import type { Database, Queryable } from '../../store/database.js';
import { createSecretBox, type SecretBox } from '../../server/secrets.js';
import type { AgentMessageType } from '../messages.js';
import { agentSchema } from './schema.js';

export interface OutboxEntry {
  id: string;
  type: AgentMessageType;
  persistent: boolean;
  body: unknown;
}

export type OperationRecord =
  | { state: 'running'; startedAt: string }
  | { state: 'done'; outcome: OperationOutcome };

export type OperationOutcome =
  | { outcome: 'success'; result: unknown }
  | { outcome: 'failure'; failure: { reason: string; message: string; retryable: boolean } };

export class AgentStoreError extends Error {
  override name = 'AgentStoreError';
}

const KEY_CHECK = 'maestro-agent-key-check';

/**
 * What the agent keeps between runs: sealed cloud credentials, the outbox of messages not yet
 * confirmed by the broker, per-resource sequence numbers, checkpoints and the operations it ran.
 */
export class AgentStore {
  readonly #box: SecretBox;

  private constructor(
    readonly db: Database,
    masterKey: Buffer,
  ) {
    this.#box = createSecretBox(masterKey);
  }

  /** Opens (and prepares) the store; refuses a master key other than the one it was made with. */
  static async open(db: Database, masterKey: Buffer): Promise<AgentStore> {
    const store = new AgentStore(db, masterKey);
    await store.#prepare();
    return store;
  }

  /** PGlite under the data directory (or in memory without one). */
  static async openEmbedded(options: { dataDir?: string; masterKey: Buffer }): Promise<AgentStore> {
    const { openPglite } = await import('../../store/pglite.js');
    const db = await openPglite(options.dataDir ? { dataDir: path.join(options.dataDir, 'pglite') } : {});
    try {
      return await AgentStore.open(db, options.masterKey);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  async #prepare(): Promise<void> {
    await this.db.exec('CREATE TABLE IF NOT EXISTS agent_schema (version integer PRIMARY KEY)');
    const { rows } = await this.db.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM agent_schema');
    for (const step of agentSchema.filter((s) => s.version > (rows[0]?.version ?? 0))) {
      // Every statement is idempotent: a start that died half-way runs the step again.
      await this.db.exec(step.sql);
      await this.db.query('INSERT INTO agent_schema (version) VALUES ($1) ON CONFLICT DO NOTHING', [step.version]);
    }
    const check = await this.db.query<{ sealed: string }>('SELECT sealed FROM agent_key_check WHERE id = 1');
    if (check.rows.length === 0) {
      await this.db.query('INSERT INTO agent_key_check (id, sealed) VALUES (1, $1) ON CONFLICT DO NOTHING', [this.#box.seal(KEY_CHECK)]);
      return;
    }
    let opened: string | null = null;
    try {
      opened = this.#box.open(check.rows[0]!.sealed);
    } catch {
      opened = null;
    }
    if (opened !== KEY_CHECK) {
      throw new AgentStoreError(
        "the agent's master key is not the one its store was made with (MAESTRO_AGENT_MASTER_KEY or master.key in its data directory): " +
          'use that key; a new key cannot open the credentials sealed with the old one',
      );
    }
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  // ---- credentials ----

  async setCredentials(region: string, credentials: Record<string, unknown>, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_credentials (region, sealed, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (region) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      [region, this.#box.seal(JSON.stringify(credentials)), now.toISOString()],
    );
  }

  async credentials(region: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.db.query<{ sealed: string }>('SELECT sealed FROM agent_credentials WHERE region = $1', [region]);
    if (rows.length === 0) return null;
    return JSON.parse(this.#box.open(rows[0]!.sealed)) as Record<string, unknown>;
  }

  async credentialRegions(): Promise<Array<{ region: string; updatedAt: string }>> {
    const { rows } = await this.db.query<{ region: string; updatedAt: string }>(
      'SELECT region, updated_at AS "updatedAt" FROM agent_credentials ORDER BY region',
    );
    return rows;
  }

  async removeCredentials(region: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM agent_credentials WHERE region = $1', [region]);
    return rowCount > 0;
  }

  // ---- outbox ----

  async enqueue(tx: Queryable, entries: readonly OutboxEntry[], now: Date): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO agent_outbox (id, type, persistent, body, created_at)
       SELECT x.id, x.type, x.persistent, x.body, $2 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, type text, persistent boolean, body jsonb, ord integer)
       ORDER BY x.ord
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(entries.map((entry, ord) => ({ ...entry, ord }))), now.toISOString()],
    );
  }

  /** The oldest messages not yet confirmed, in the order they were written. */
  async pending(limit: number): Promise<OutboxEntry[]> {
    const { rows } = await this.db.query<OutboxEntry>(
      'SELECT id, type, persistent, body FROM agent_outbox ORDER BY position LIMIT $1',
      [limit],
    );
    return rows;
  }

  async confirmed(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.query('DELETE FROM agent_outbox WHERE id = ANY($1::uuid[])', [ids]);
  }

  async outboxSize(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('SELECT count(*)::int AS count FROM agent_outbox');
    return rows[0]?.count ?? 0;
  }

  // ---- sequences ----

  /**
   * Takes the next sequence numbers of these resources (a resource named k times gets k numbers,
   * in order), in the caller's transaction, the one that writes the events that use them.
   */
  async nextSeqs(tx: Queryable, region: string, resources: readonly string[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const resource of resources) counts.set(resource, (counts.get(resource) ?? 0) + 1);
    const { rows } = await tx.query<{ resource: string; seq: number }>(
      `INSERT INTO agent_sequences (region, resource, seq)
       SELECT $1, r.resource, r.n FROM unnest($2::text[], $3::int[]) AS r(resource, n)
       ON CONFLICT (region, resource) DO UPDATE SET seq = agent_sequences.seq + excluded.seq
       RETURNING resource, seq`,
      [region, [...counts.keys()], [...counts.values()]],
    );
    const next = new Map(rows.map((row) => [row.resource, Number(row.seq) - counts.get(row.resource)! + 1]));
    return resources.map((resource) => {
      const seq = next.get(resource)!;
      next.set(resource, seq + 1);
      return seq;
    });
  }

  // ---- checkpoints ----

  async checkpoint<T>(name: string): Promise<T | null> {
    const { rows } = await this.db.query<{ value: T }>('SELECT value FROM agent_checkpoints WHERE name = $1', [name]);
    return rows[0]?.value ?? null;
  }

  async setCheckpoint(tx: Queryable, name: string, value: unknown, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO agent_checkpoints (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [name, JSON.stringify(value), now.toISOString()],
    );
  }

  /** A value kept sealed with the master key under a name (the embedded agent's own identity). */
  async setSealed(name: string, value: unknown, now: Date): Promise<void> {
    await this.setCheckpoint(this.db, `sealed:${name}`, { sealed: this.#box.seal(JSON.stringify(value)) }, now);
  }

  async sealed<T>(name: string): Promise<T | null> {
    const kept = await this.checkpoint<{ sealed: string }>(`sealed:${name}`);
    return kept ? (JSON.parse(this.#box.open(kept.sealed)) as T) : null;
  }

  // ---- operations ----

  /** Records that an operation starts; null when it is new, else what is known of it. */
  async beginOperation(tx: Queryable, operationId: string, region: string, method: string, now: Date): Promise<OperationRecord | null> {
    const inserted = await tx.query(
      `INSERT INTO agent_operations (operation_id, region, method, state, started_at) VALUES ($1, $2, $3, 'running', $4)
       ON CONFLICT (operation_id) DO NOTHING`,
      [operationId, region, method, now.toISOString()],
    );
    if (inserted.rowCount > 0) return null;
    const { rows } = await tx.query<{ state: 'running' | 'done'; outcome: OperationOutcome | null; startedAt: string }>(
      'SELECT state, outcome, started_at AS "startedAt" FROM agent_operations WHERE operation_id = $1',
      [operationId],
    );
    const row = rows[0]!;
    return row.state === 'done' ? { state: 'done', outcome: row.outcome! } : { state: 'running', startedAt: row.startedAt };
  }

  async finishOperation(tx: Queryable, operationId: string, outcome: OperationOutcome, now: Date): Promise<void> {
    await tx.query(
      `UPDATE agent_operations SET state = 'done', outcome = $2, finished_at = $3 WHERE operation_id = $1`,
      [operationId, JSON.stringify(outcome), now.toISOString()],
    );
  }

  /** Operations started and never finished: a run of the agent stopped during them. */
  async unfinishedOperations(): Promise<Array<{ operationId: string; region: string; method: string; startedAt: string }>> {
    const { rows } = await this.db.query<{ operationId: string; region: string; method: string; startedAt: string }>(
      `SELECT operation_id AS "operationId", region, method, started_at AS "startedAt" FROM agent_operations WHERE state = 'running' ORDER BY started_at`,
    );
    return rows;
  }

  /** Forgets operations finished before `before` (a retry that late is a new operation). */
  async pruneOperations(before: Date): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM agent_operations WHERE state = 'done' AND finished_at < $1`, [before.toISOString()]);
    return rowCount;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
