import { nextDue, type TagSelector } from '../../domain/schedules.js';
import type { OutputOf } from '../../protocol/command.js';
import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import type { ScheduleAction } from '../../protocol/schedules.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';

type ScheduleView = OutputOf<Managers['schedules']['create']>;
type ExecutionView = OutputOf<Managers['schedules']['describeExecutions']>['items'][number];

/** A schedule as handlers and the scheduler need it. */
export interface ScheduleRow {
  id: string;
  tenantId: string;
  tenant: string;
  customerId: string;
  name: string;
  cron: string;
  timeZone: string;
  action: ScheduleAction;
  enabled: boolean;
  instanceIds: string[];
  tagSelectors: TagSelector[];
  creatorId: string | null;
  creatorName: string;
  /** Due times after this count: the later of the last due time executed and when the schedule was (re)armed. */
  since: string;
}

const rowSelect = `SELECT s.id, s.tenant_id AS "tenantId", t.name AS tenant, t.customer_id AS "customerId", s.name, s.cron,
  s.time_zone AS "timeZone", s.action, s.enabled, s.instance_ids AS "instanceIds", s.tag_selectors AS "tagSelectors",
  s.creator_id AS "creatorId", s.creator_name AS "creatorName", greatest(s.last_due, s.active_since) AS since
  FROM schedules s JOIN tenants t ON t.id = s.tenant_id`;

export async function findSchedule(db: Queryable, tenantId: string, name: string): Promise<ScheduleRow | null> {
  const { rows } = await db.query<ScheduleRow>(`${rowSelect} WHERE s.tenant_id = $1 AND s.name = $2`, [tenantId, name]);
  return rows[0] ?? null;
}

export async function scheduleRow(db: Queryable, tenantId: string, name: string): Promise<ScheduleRow> {
  const row = await findSchedule(db, tenantId, name);
  if (!row) throw notFound('schedule', name, 'list schedules with `maestro schedules describe`');
  return row;
}

export async function scheduleById(db: Queryable, id: string): Promise<ScheduleRow | null> {
  const { rows } = await db.query<ScheduleRow>(`${rowSelect} WHERE s.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Every enabled schedule of every tenant: what a scheduler pass looks at. */
export async function enabledSchedules(db: Queryable): Promise<ScheduleRow[]> {
  const { rows } = await db.query<ScheduleRow>(`${rowSelect} WHERE s.enabled ORDER BY s.id`);
  return rows;
}

// Any constant; it only has to be the same on every node.
const SCHEDULE_LOCK = 7_316_010;

/** Serialises the claims of one schedule's due times until the transaction ends, across nodes. */
export async function lockSchedule(tx: Queryable, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEDULE_LOCK, id]);
}

const viewSelect = `SELECT s.id, t.name AS tenant, s.name, s.description, s.cron, s.time_zone AS "timeZone", s.action, s.enabled,
  s.instance_ids AS "instanceIds", s.tag_selectors AS tags, s.creator_name AS creator, s.last_due AS "lastDue",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"
  FROM schedules s JOIN tenants t ON t.id = s.tenant_id`;

/** The next due time is worked out as of `now`; a disabled schedule has none. */
const withNextRun = (now: Date) => (row: Omit<ScheduleView, 'nextRun'>): ScheduleView => ({
  ...row,
  nextRun: row.enabled ? (nextDue(row, now)?.toISOString() ?? null) : null,
});

export async function scheduleView(db: Queryable, id: string, now: Date): Promise<ScheduleView> {
  const { rows } = await db.query<Omit<ScheduleView, 'nextRun'>>(`${viewSelect} WHERE s.id = $1`, [id]);
  if (!rows[0]) throw notFound('schedule', id);
  return withNextRun(now)(rows[0]);
}

export interface ScheduleFilter extends PageRequest {
  tenantId: string;
  name?: string | undefined;
}

/** A tenant's schedules in id order (UUIDv7: oldest first). */
export async function listSchedules(db: Queryable, filter: ScheduleFilter, now: Date): Promise<Page<ScheduleView>> {
  const { rows } = await db.query<Omit<ScheduleView, 'nextRun'>>(
    `${viewSelect}
      WHERE s.tenant_id = $1 AND ($2::text IS NULL OR s.name = $2) AND ($3::uuid IS NULL OR s.id > $3::uuid)
      ORDER BY s.id LIMIT $4`,
    [filter.tenantId, filter.name ?? null, decodeUuidCursor(filter.cursor), filter.limit + 1],
  );
  return pageOf(rows.map(withNextRun(now)), filter.limit, (schedule) => schedule.id);
}

export interface ExecutionFilter extends PageRequest {
  tenantId: string;
  scheduleId?: string | undefined;
}

/** A tenant's executions, newest first. */
export async function listExecutions(db: Queryable, filter: ExecutionFilter): Promise<Page<ExecutionView>> {
  const { rows } = await db.query<ExecutionView>(
    `SELECT e.id, t.name AS tenant, e.schedule_name AS schedule, e.schedule_id AS "scheduleId", e.action, e.due_at AS "dueAt",
            e.state, e.instances, e.started_at AS "startedAt", e.finished_at AS "finishedAt"
       FROM schedule_executions e JOIN tenants t ON t.id = e.tenant_id
      WHERE e.tenant_id = $1 AND ($2::uuid IS NULL OR e.schedule_id = $2::uuid) AND ($3::uuid IS NULL OR e.id < $3::uuid)
      ORDER BY e.id DESC LIMIT $4`,
    [filter.tenantId, filter.scheduleId ?? null, decodeUuidCursor(filter.cursor), filter.limit + 1],
  );
  return pageOf(rows, filter.limit, (execution) => execution.id);
}
