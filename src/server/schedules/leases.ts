import type { Queryable } from '../../store/database.js';

/**
 * Who carries out a claimed execution. The holder changes when another node takes an abandoned
 * execution over, so the node before, should it come back to life, finds the lease gone and
 * stops instead of acting twice.
 */
export interface ExecutionLease {
  executionId: string;
  holder: string;
}

/** This node no longer holds the execution: another node took it over once the lease ran out. */
export class LeaseLost extends Error {
  constructor(executionId: string) {
    super(`the lease of schedule execution ${executionId} passed to another node`);
    this.name = 'LeaseLost';
  }
}

export async function takeLease(tx: Queryable, lease: ExecutionLease, node: string, until: Date): Promise<void> {
  await tx.query('INSERT INTO schedule_execution_leases (execution_id, holder, node, lease_until) VALUES ($1, $2, $3, $4)', [
    lease.executionId,
    lease.holder,
    node,
    until.toISOString(),
  ]);
}

/** Moves the lease on; throws LeaseLost when it is no longer this holder's. */
export async function renewLease(db: Queryable, lease: ExecutionLease, until: Date): Promise<void> {
  const { rowCount } = await db.query('UPDATE schedule_execution_leases SET lease_until = $3 WHERE execution_id = $1 AND holder = $2', [
    lease.executionId,
    lease.holder,
    until.toISOString(),
  ]);
  if (rowCount === 0) throw new LeaseLost(lease.executionId);
}

/** Ends the lease in the transaction that records the execution; throws LeaseLost when it is no longer this holder's. */
export async function releaseLease(tx: Queryable, lease: ExecutionLease): Promise<void> {
  const { rowCount } = await tx.query('DELETE FROM schedule_execution_leases WHERE execution_id = $1 AND holder = $2', [lease.executionId, lease.holder]);
  if (rowCount === 0) throw new LeaseLost(lease.executionId);
}

export interface TakenOver extends ExecutionLease {
  /** The node that claimed the execution and stopped renewing it. */
  previousNode: string;
}

/**
 * Takes over executions whose lease ran out before `now`: each gets a new holder (this node)
 * until `until`. Rows another node is taking over at the same moment are skipped, so each
 * abandoned execution goes to one node.
 */
export async function takeOverExpired(tx: Queryable, now: Date, until: Date, node: string, limit: number): Promise<TakenOver[]> {
  const { rows } = await tx.query<TakenOver>(
    `WITH expired AS (
       SELECT execution_id, node FROM schedule_execution_leases WHERE lease_until < $1
        ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED
     )
     UPDATE schedule_execution_leases l SET holder = gen_random_uuid(), node = $2, lease_until = $3
       FROM expired WHERE l.execution_id = expired.execution_id
     RETURNING l.execution_id AS "executionId", l.holder, expired.node AS "previousNode"`,
    [now.toISOString(), node, until.toISOString(), limit],
  );
  return rows;
}
