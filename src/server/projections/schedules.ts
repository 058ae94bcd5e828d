import { sameSelector, type TagSelector } from '../../domain/schedules.js';
import type { ExecutionOutcome } from '../../protocol/schedules.js';
import * as events from '../../protocol/events/schedules.js';
import { entityProjection } from '../../store/projection.js';
import { updated } from './row-updates.js';

interface ScheduleRow {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  cron: string;
  timeZone: string;
  action: string;
  enabled: boolean;
  instanceIds: string[];
  tagSelectors: TagSelector[];
  creatorId: string | null;
  creatorName: string;
  activeSince: string;
  lastDue: string | null;
  createdAt: string;
  updatedAt: string;
}

/** True when the change makes due times count afresh: enabled again, or another cron expression or time zone. */
function rearms(row: ScheduleRow, change: { enabled?: boolean | undefined; cron?: string | undefined; timeZone?: string | undefined }): boolean {
  return (
    (change.enabled === true && !row.enabled) ||
    (change.cron !== undefined && change.cron !== row.cron) ||
    (change.timeZone !== undefined && change.timeZone !== row.timeZone)
  );
}

const schedules = entityProjection<ScheduleRow>({
  name: 'schedules',
  table: {
    table: 'schedules',
    columns: [
      'id', 'tenantId', 'name', 'description', 'cron', 'timeZone', 'action', 'enabled', 'instanceIds', 'tagSelectors', 'creatorId',
      'creatorName', 'activeSince', 'lastDue', 'createdAt', 'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.scheduleCreated, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      instanceIds: [],
      tagSelectors: [],
      activeSince: e.time,
      lastDue: null,
      createdAt: e.time,
      updatedAt: e.time,
    })),
    on(events.scheduleUpdated, (d) => ({ id: d.id }), (row, { id: _id, tenantId: _tenantId, ...change }, e) =>
      row && updated(row, { ...change, ...(rearms(row, change) ? { activeSince: e.time } : {}) }, e.time),
    ),
    on.remove(events.scheduleDeleted, (d) => ({ id: d.id })),
    on(events.scheduleAttached, (d) => ({ id: d.id }), (row, d, e) =>
      row &&
      updated(
        row,
        {
          instanceIds: [...new Set([...row.instanceIds, ...d.instanceIds])],
          tagSelectors: [...row.tagSelectors, ...d.tags.filter((tag) => !row.tagSelectors.some((held) => sameSelector(held, tag)))],
        },
        e.time,
      ),
    ),
    on(events.scheduleDetached, (d) => ({ id: d.id }), (row, d, e) =>
      row &&
      updated(
        row,
        {
          instanceIds: row.instanceIds.filter((id) => !d.instanceIds.includes(id)),
          tagSelectors: row.tagSelectors.filter((tag) => !d.tags.some((gone) => sameSelector(gone, tag))),
        },
        e.time,
      ),
    ),
    // Not a change by a user: updatedAt stays.
    on(events.scheduleExecutionStarted, (d) => ({ id: d.scheduleId }), (row, d) => row && { ...row, lastDue: d.dueAt }),
  ],
});

interface ExecutionRow {
  id: string;
  scheduleId: string;
  tenantId: string;
  scheduleName: string;
  action: string;
  dueAt: string;
  state: 'running' | 'finished';
  instances: Array<{ id: string; name: string; outcome: ExecutionOutcome | null; message: string | null }>;
  startedAt: string;
  finishedAt: string | null;
}

const executions = entityProjection<ExecutionRow>({
  name: 'schedule_executions',
  table: {
    table: 'schedule_executions',
    columns: ['id', 'scheduleId', 'tenantId', 'scheduleName', 'action', 'dueAt', 'state', 'instances', 'startedAt', 'finishedAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.scheduleExecutionStarted, (d) => ({ id: d.executionId }), (d, e) => ({
      id: d.executionId,
      scheduleId: d.scheduleId,
      tenantId: d.tenantId,
      scheduleName: d.scheduleName,
      action: d.action,
      dueAt: d.dueAt,
      state: 'running',
      instances: d.instances.map((instance) => ({ ...instance, outcome: null, message: null })),
      startedAt: e.time,
      finishedAt: null,
    })),
    on(events.scheduleExecuted, (d) => ({ id: d.executionId }), (row, d, e) =>
      row && { ...row, state: 'finished', instances: d.instances, finishedAt: e.time },
    ),
  ],
});

export const scheduleProjections = [schedules, executions];
