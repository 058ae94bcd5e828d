import type { Queryable } from '../../../src/store/database.js';

export { eventually as waitFor } from '../../support/eventually.js';

export interface JobRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  runAt: string;
  nodeId: string | null;
  result: unknown;
  error: string | null;
  errorStack: string | null;
  finishedAt: string | null;
  recurring: string | null;
  idempotencyKey: string | null;
}

export async function jobRow(db: Queryable, id: string): Promise<JobRow> {
  const { rows } = await db.query<JobRow>(
    `SELECT id, type, status, attempts, run_at AS "runAt", node_id AS "nodeId", result, error, error_stack AS "errorStack",
            finished_at AS "finishedAt", recurring, idempotency_key AS "idempotencyKey"
       FROM jobs WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new Error(`no job ${id}`);
  return rows[0];
}

/** Jobs of a type, oldest first. */
export async function jobsOfType(db: Queryable, type: string): Promise<JobRow[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM jobs WHERE type = $1 ORDER BY id', [type]);
  return Promise.all(rows.map((row) => jobRow(db, row.id)));
}
