import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';
import { executionOutcomes, scheduleActions } from '../schedules.js';

const id = z.string().uuid();
const tagSelector = z.object({ key: z.string(), value: z.string().nullable() });

export const scheduleCreated = defineEvent('schedule.created', {
  action: 'create',
  target: targetTypes.schedule,
  data: z.object({
    id,
    tenantId: id,
    name: z.string(),
    description: z.string(),
    cron: z.string(),
    timeZone: z.string(),
    action: z.enum(scheduleActions),
    enabled: z.boolean(),
    /** Whom the schedule runs as. */
    creatorId: id.nullable(),
    creatorName: z.string(),
  }),
});

/** Only the fields that changed are present. */
export const scheduleUpdated = defineEvent('schedule.updated', {
  action: 'update',
  target: targetTypes.schedule,
  data: z.object({
    id,
    tenantId: id,
    name: z.string().optional(),
    description: z.string().optional(),
    cron: z.string().optional(),
    timeZone: z.string().optional(),
    action: z.enum(scheduleActions).optional(),
    enabled: z.boolean().optional(),
  }),
});

export const scheduleDeleted = defineEvent('schedule.deleted', {
  action: 'delete',
  target: targetTypes.schedule,
  data: z.object({ id, tenantId: id }),
});

const targets = { id, tenantId: id, instanceIds: z.array(id), tags: z.array(tagSelector) };

export const scheduleAttached = defineEvent('schedule.attached', {
  action: 'attach',
  target: targetTypes.schedule,
  data: z.object(targets),
});

export const scheduleDetached = defineEvent('schedule.detached', {
  action: 'detach',
  target: targetTypes.schedule,
  data: z.object(targets),
});

/**
 * A node claimed a due time of a schedule: recorded under the schedule's lock together with the
 * move of its last due time, so each due time is claimed once whichever nodes try. Lists the
 * instances the execution targets.
 */
export const scheduleExecutionStarted = defineEvent('schedule.executionStarted', {
  action: 'start',
  target: targetTypes.schedule,
  data: z.object({
    executionId: id,
    scheduleId: id,
    tenantId: id,
    scheduleName: z.string(),
    action: z.enum(scheduleActions),
    dueAt: z.string(),
    instances: z.array(z.object({ id, name: z.string() })),
  }),
});

/** What an execution did to each instance it targeted. */
export const scheduleExecuted = defineEvent('schedule.executed', {
  action: 'update',
  target: targetTypes.schedule,
  data: z.object({
    executionId: id,
    scheduleId: id,
    tenantId: id,
    action: z.enum(scheduleActions),
    dueAt: z.string(),
    instances: z.array(z.object({ id, name: z.string(), outcome: z.enum(executionOutcomes), message: z.string().nullable() })),
    /** The node that claimed the execution and stopped before recording it; this record is the node that took it over. */
    takenOverFrom: z.string().optional(),
  }),
});
