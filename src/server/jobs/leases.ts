import type { Queryable } from '../../store/database.js';
import { afterFailure } from './backoff.js';
import type { FailedJob, Lease } from './queue.js';

/** Extends the leases this node still holds until `until`; returns the ids it still holds. */
export async function renewLeases(db: Queryable, nodeId: string, held: readonly Lease[], until: Date, now: Date): Promise<Set<string>> {
  if (held.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `UPDATE jobs AS j SET lease_until = $3, updated_at = $4
       FROM jsonb_to_recordset($2::jsonb) AS h(id uuid, attempt integer)
      WHERE j.id = h.id AND j.attempts = h.attempt AND j.node_id = $1 AND j.status = 'processing'
      RETURNING j.id`,
    [nodeId, JSON.stringify(held), until.toISOString(), now.toISOString()],
  );
  return new Set(rows.map((row) => row.id));
}

interface Expired {
  id: string;
  type: string;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  recurring: string | null;
  tenantId: string | null;
  customerId: string | null;
  node: string | null;
}

/**
 * Jobs whose node stopped renewing their lease (it crashed, or lost the database): each counts as
 * a failed attempt, so it goes back to the queue after its back-off, or fails for good when its
 * attempts are spent. Run in a transaction; returns how many leases expired, and the jobs that
 * failed for good.
 */
export async function expireLeases(tx: Queryable, now: Date, limit = 100): Promise<{ expired: number; failed: FailedJob[] }> {
  const { rows } = await tx.query<Expired>(
    `SELECT j.id, j.type, j.attempts, j.max_attempts AS "maxAttempts", j.backoff_ms AS "backoffMs", j.recurring,
            j.tenant_id AS "tenantId", j.customer_id AS "customerId", n.name AS node
       FROM jobs j LEFT JOIN nodes n ON n.id = j.node_id
      WHERE j.status = 'processing' AND j.lease_until < $1
      ORDER BY j.lease_until
      LIMIT $2
      FOR UPDATE OF j SKIP LOCKED`,
    [now.toISOString(), limit],
  );
  if (rows.length === 0) return { expired: 0, failed: [] };
  const decided = rows.map((job) => {
    const outcome = afterFailure(job, now);
    const error = `the lease expired: node ${job.node ?? 'unknown'} stopped renewing it during attempt ${job.attempts}`;
    return { job, error, status: outcome.status, runAt: outcome.status === 'pending' ? outcome.runAt.toISOString() : null };
  });
  await tx.query(
    `UPDATE jobs AS j
        SET status = d.status, run_at = coalesce(d.run_at, j.run_at), error = d.error, error_stack = NULL, lease_until = NULL,
            finished_at = CASE WHEN d.status = 'failed' THEN $2::timestamptz END, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, status text, run_at timestamptz, error text)
      WHERE j.id = d.id`,
    [JSON.stringify(decided.map(({ job, error, status, runAt }) => ({ id: job.id, status, run_at: runAt, error }))), now.toISOString()],
  );
  const failed = decided
    .filter((d) => d.status === 'failed')
    .map(({ job, error }) => ({
      id: job.id,
      type: job.type,
      attempts: job.attempts,
      recurring: job.recurring,
      tenantId: job.tenantId,
      customerId: job.customerId,
      error,
    }));
  return { expired: rows.length, failed };
}
