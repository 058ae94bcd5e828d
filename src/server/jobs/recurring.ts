import type { Queryable } from '../../store/database.js';
import { checkSchedule, nextDue, type Schedule } from './schedule.js';

/** A job enqueued at every due time of its schedule (by whichever node sees it first, once). */
export interface RecurringDefinition {
  name: string;
  schedule: Schedule;
  type: string;
  payload?: unknown;
  priority?: number;
}

export interface RecurringRow {
  name: string;
  cron: string | null;
  everyMs: number | null;
  timeZone: string;
  type: string;
  payload: unknown;
  priority: number;
  nextRunAt: string | null;
}

export const scheduleOf = (row: Pick<RecurringRow, 'cron' | 'everyMs' | 'timeZone'>): Schedule =>
  row.cron !== null ? { cron: row.cron, timeZone: row.timeZone } : { everyMs: row.everyMs! };

/**
 * Creates or replaces a definition, enabled. A definition whose schedule did not change keeps its
 * next due time, so a run that fell due while every node was down is still enqueued; a new or
 * changed schedule starts from its first due time after `now`.
 */
export async function defineRecurring(db: Queryable, definition: RecurringDefinition, now: Date): Promise<void> {
  const schedule = checkSchedule(definition.schedule);
  await db.query(
    `INSERT INTO recurring_jobs (name, cron, every_ms, time_zone, type, payload, priority, enabled, next_run_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, true, $8, $9)
     ON CONFLICT (name) DO UPDATE SET
       cron = excluded.cron, every_ms = excluded.every_ms, time_zone = excluded.time_zone, type = excluded.type,
       payload = excluded.payload, priority = excluded.priority, enabled = true,
       next_run_at = CASE WHEN recurring_jobs.enabled
                           AND recurring_jobs.cron IS NOT DISTINCT FROM excluded.cron
                           AND recurring_jobs.every_ms IS NOT DISTINCT FROM excluded.every_ms
                           AND recurring_jobs.time_zone = excluded.time_zone
                          THEN recurring_jobs.next_run_at ELSE excluded.next_run_at END,
       updated_at = excluded.updated_at`,
    [
      definition.name,
      'cron' in schedule ? schedule.cron : null,
      'everyMs' in schedule ? schedule.everyMs : null,
      'cron' in schedule ? schedule.timeZone : 'UTC',
      definition.type,
      JSON.stringify(definition.payload ?? {}),
      definition.priority ?? 0,
      nextDue(schedule, now)?.toISOString() ?? null,
      now.toISOString(),
    ],
  );
}

/** Stops enqueuing these definitions (kept, with their history, until defined again). */
export async function disableRecurring(db: Queryable, names: readonly string[], now: Date): Promise<void> {
  await db.query('UPDATE recurring_jobs SET enabled = false, updated_at = $2 WHERE name = ANY($1::text[]) AND enabled', [[...names], now.toISOString()]);
}

export async function removeRecurring(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM recurring_jobs WHERE name = $1', [name]);
  return rowCount > 0;
}

/** Enabled definitions whose next due time has come. */
export async function dueRecurring(db: Queryable, now: Date, limit = 100): Promise<RecurringRow[]> {
  const { rows } = await db.query<RecurringRow>(
    `SELECT name, cron, every_ms AS "everyMs", time_zone AS "timeZone", type, payload, priority, next_run_at AS "nextRunAt"
       FROM recurring_jobs WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows;
}

/**
 * Moves a definition from the due time `expected` to `next`, recording `scheduledFor` as its last
 * run: compare-and-set on `next_run_at`, so of several nodes seeing the same due time exactly one
 * gets the row back (the others wait for its transaction, then find the time moved). Returns the
 * job the previous due time enqueued, or null when another node got there first.
 */
export async function advanceRecurring(
  tx: Queryable,
  name: string,
  expected: string,
  scheduledFor: Date,
  next: Date | null,
): Promise<{ previousJobId: string | null } | null> {
  const { rows } = await tx.query<{ previousJobId: string | null }>(
    `UPDATE recurring_jobs SET last_scheduled_for = $3, next_run_at = $4
      WHERE name = $1 AND enabled AND next_run_at = $2
      RETURNING last_job_id AS "previousJobId"`,
    [name, expected, scheduledFor.toISOString(), next?.toISOString() ?? null],
  );
  return rows[0] ?? null;
}

export async function setLastJob(tx: Queryable, name: string, jobId: string): Promise<void> {
  await tx.query('UPDATE recurring_jobs SET last_job_id = $2 WHERE name = $1', [name, jobId]);
}

/** Whether a job is still waiting or running (a recurring job does not overlap its previous run). */
export async function isUnfinished(db: Queryable, jobId: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM jobs WHERE id = $1 AND status IN ('pending', 'processing', 'postponed')`, [jobId]);
  return rows.length > 0;
}
