import type { JobStatus, NodeStatus } from '../../protocol/jobs.js';
import type { Queryable } from '../../store/database.js';
import { scheduleOf } from '../jobs/recurring.js';
import { describeSchedule } from '../jobs/schedule.js';
import { decodeCursor, decodeUuidCursor, pageOf } from './paging.js';
import type { Page, PageRequest } from './organisation.js';

/** Reads of the job engine's tables for the JMX page (nodes, jobs, recurring jobs). */

/** Conditions with their parameters, numbered as they are added. */
class Conditions {
  readonly params: unknown[] = [];
  readonly #clauses: string[] = [];

  /** A parameter's placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: (p: string) => string, value: unknown): void {
    this.#clauses.push(clause(this.param(value)));
  }

  /** `WHERE …`, or nothing. */
  where(): string {
    return this.#clauses.length > 0 ? `WHERE ${this.#clauses.join(' AND ')}` : '';
  }
}

export interface NodeView {
  id: string;
  name: string;
  status: NodeStatus;
  host: string;
  pid: number;
  url: string | null;
  version: string;
  startedAt: string;
  heartbeatAt: string;
  load: { loadAverage: number[]; rssBytes: number; heapUsedBytes: number; jobsRunning: number; jobConcurrency: number };
}

/** Nodes, newest first (their ids are UUID v7); a running node whose heartbeat is older than `lostBefore` is lost. */
export async function listNodes(db: Queryable, filter: { status?: NodeStatus | undefined; lostBefore: Date }, request: PageRequest): Promise<Page<NodeView>> {
  const where = new Conditions();
  const lostBefore = where.param(filter.lostBefore.toISOString());
  if (filter.status !== undefined) where.add((p) => `status = ${p}`, filter.status);
  const after = decodeUuidCursor(request.cursor);
  if (after !== null) where.add((p) => `id < ${p}`, after);
  const { rows } = await db.query<NodeView>(
    `SELECT * FROM (
       SELECT id, name, CASE WHEN status = 'running' AND heartbeat_at < ${lostBefore} THEN 'lost' ELSE status END AS status,
              host, pid, url, version, started_at AS "startedAt", heartbeat_at AS "heartbeatAt", load
         FROM nodes) AS n
     ${where.where()} ORDER BY id DESC LIMIT ${where.param(request.limit + 1)}`,
    where.params,
  );
  return pageOf(rows, request.limit, (item) => item.id);
}

export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  priority: number;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  node: string | null;
  leaseUntil: string | null;
  recurring: string | null;
  idempotencyKey: string | null;
  tenantId: string | null;
  result: unknown;
  progress: unknown;
  error: string | null;
  errorStack: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const jobSelect = `SELECT j.id, j.type, j.status, j.priority, j.payload, j.attempts, j.max_attempts AS "maxAttempts", j.run_at AS "runAt",
    n.name AS node, j.lease_until AS "leaseUntil", j.recurring, j.idempotency_key AS "idempotencyKey", j.tenant_id AS "tenantId",
    j.result, j.progress, j.error, j.error_stack AS "errorStack", j.created_at AS "createdAt", j.started_at AS "startedAt", j.finished_at AS "finishedAt"
  FROM jobs j LEFT JOIN nodes n ON n.id = j.node_id`;

/** Jobs, newest first (their ids are UUID v7). */
export async function listJobs(
  db: Queryable,
  filter: { id?: string | undefined; status?: JobStatus | undefined; type?: string | undefined },
  request: PageRequest,
): Promise<Page<JobView>> {
  const where = new Conditions();
  if (filter.id !== undefined) where.add((p) => `j.id = ${p}`, filter.id);
  if (filter.status !== undefined) where.add((p) => `j.status = ${p}`, filter.status);
  if (filter.type !== undefined) where.add((p) => `j.type = ${p}`, filter.type);
  const after = decodeUuidCursor(request.cursor);
  if (after !== null) where.add((p) => `j.id < ${p}`, after);
  const { rows } = await db.query<JobView>(`${jobSelect} ${where.where()} ORDER BY j.id DESC LIMIT ${where.param(request.limit + 1)}`, where.params);
  return pageOf(rows, request.limit, (item) => item.id);
}

export async function jobById(db: Queryable, id: string): Promise<JobView | undefined> {
  const { rows } = await db.query<JobView>(`${jobSelect} WHERE j.id = $1`, [id]);
  return rows[0];
}

export interface RecurringJobView {
  name: string;
  schedule: string;
  cron: string | null;
  everyMs: number | null;
  timeZone: string;
  type: string;
  payload: unknown;
  enabled: boolean;
  lastScheduledFor: string | null;
  lastJob: { id: string; status: JobStatus; finishedAt: string | null } | null;
  nextRunAt: string | null;
}

/** Recurring definitions by name, with the job each enqueued last (null once the clean-up removed it). */
export async function listRecurringJobs(db: Queryable, name: string | undefined, request: PageRequest): Promise<Page<RecurringJobView>> {
  const where = new Conditions();
  if (name !== undefined) where.add((p) => `r.name = ${p}`, name);
  const after = decodeCursor(request.cursor);
  if (after !== null) where.add((p) => `r.name > ${p}`, after);
  type Row = Omit<RecurringJobView, 'schedule' | 'lastJob'> & { jobId: string | null; jobStatus: JobStatus; jobFinishedAt: string | null };
  const { rows } = await db.query<Row>(
    `SELECT r.name, r.cron, r.every_ms AS "everyMs", r.time_zone AS "timeZone", r.type, r.payload, r.enabled,
            r.last_scheduled_for AS "lastScheduledFor", r.next_run_at AS "nextRunAt",
            j.id AS "jobId", j.status AS "jobStatus", j.finished_at AS "jobFinishedAt"
       FROM recurring_jobs r LEFT JOIN jobs j ON j.id = r.last_job_id
     ${where.where()} ORDER BY r.name LIMIT ${where.param(request.limit + 1)}`,
    where.params,
  );
  const views = rows.map(({ jobId, jobStatus, jobFinishedAt, ...row }) => ({
    ...row,
    schedule: describeSchedule(scheduleOf(row)),
    lastJob: jobId === null ? null : { id: jobId, status: jobStatus, finishedAt: jobFinishedAt },
  }));
  return pageOf(views, request.limit, (item) => item.name);
}
