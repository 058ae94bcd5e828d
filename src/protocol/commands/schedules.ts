import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, ok, page, pageInput, timestamp } from '../common.js';
import { tagKey, tagValue } from '../compute.js';
import { executionOutcomes, executionStates, scheduleActions } from '../schedules.js';
import { resourceId, resourceName, tenantScope } from './compute-schemas.js';
import { tenantPicker } from './ui-pickers.js';

const tenantCommand = { feature: 'compute', audience: 'user', scope: { kind: 'tenant', field: 'tenant' } } as const;

const scheduleRef = { ...tenantScope, name: resourceName('schedule') };

const cron = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .describe('five fields: minute hour day-of-month month day-of-week, e.g. "0 20 * * 1-5" (20:00 on weekdays)');
const timeZone = z.string().trim().min(1).max(64).describe('IANA time zone the cron expression is read in, e.g. Europe/Berlin');

/** Which instances to attach or detach: ids, and/or a tag (key, optionally with a value). */
const targets = {
  instanceIds: z.array(resourceId('instance')).min(1).max(100).optional(),
  tagKey: tagKey.optional().describe("instances carrying this tag, matched as the instance's cloud matches tag names"),
  tagValue: tagValue.optional().describe('with tagKey: only instances whose tag has this value; without it, any value'),
};
const someTarget = (v: { instanceIds?: string[] | undefined; tagKey?: string | undefined; tagValue?: string | undefined }) =>
  v.instanceIds !== undefined || v.tagKey !== undefined;
const targetProblem = { message: 'give instanceIds, or tagKey (and optionally tagValue), or both', path: ['instanceIds'] };
const valueNeedsKey = (v: { tagKey?: string | undefined; tagValue?: string | undefined }) => v.tagValue === undefined || v.tagKey !== undefined;
const valueProblem = { message: 'tagValue needs tagKey', path: ['tagValue'] };

const tagSelector = z.object({ key: z.string(), value: z.string().nullable().describe('null: any value') });

const schedule = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  description: z.string(),
  cron: z.string(),
  timeZone: z.string(),
  action: z.enum(scheduleActions),
  enabled: z.boolean(),
  instanceIds: z.array(z.string()).describe('instances attached by id'),
  tags: z.array(tagSelector).describe('tag selectors: the instances carrying the tag when the schedule is due'),
  creator: z.string().describe('the user the schedule runs as'),
  nextRun: timestamp.nullable().describe('the next due time; null when disabled'),
  lastDue: timestamp.nullable().describe('the last due time an execution was made for'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const execution = z.object({
  id: z.string(),
  tenant: z.string(),
  schedule: z.string(),
  scheduleId: z.string(),
  action: z.enum(scheduleActions),
  dueAt: timestamp,
  state: z.enum(executionStates),
  instances: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      outcome: z.enum(executionOutcomes).nullable().describe('null while the execution is running'),
      message: z.string().nullable().describe('why it was skipped, refused or failed'),
    }),
  ),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
});

export const schedules = defineManager('schedules', 'schedule', {
  create: defineCommand({
    summary: 'Create an instance schedule: a cron expression in a time zone and the action to take on its instances when due',
    description:
      'When due, Maestro calls instances.<action> on every attached instance as the schedule\'s creator, so the creator\'s ' +
      'permissions, licence and quotas apply and the audit log shows them, with the CADF reason maestro/schedule (the schedule id). ' +
      'Instances in a state the action does not apply to are skipped. Each due time runs once, on one node; after downtime only the ' +
      'latest missed due time runs, and only within the grace window (MAESTRO_SCHEDULE_GRACE_MS). Times that do not exist or occur ' +
      'twice because of daylight saving time: see docs/schedules.md. Attach instances with schedules.attach.',
    input: z.strictObject({
      ...scheduleRef,
      cron,
      timeZone: timeZone.default('UTC'),
      action: z.enum(scheduleActions),
      description: displayText(1000).default(''),
      enabled: z.boolean().default(true),
    }),
    output: schedule,
    permission: 'MANAGE_SCHEDULE',
    audit: 'create',
    ...tenantCommand,
    ui: {
      title: 'Create a schedule',
      steps: [
        { title: 'Schedule', fields: ['tenant', 'name', 'description'] },
        { title: 'When and what', fields: ['cron', 'timeZone', 'action', 'enabled'] },
      ],
      fields: {
        tenant: tenantPicker,
        description: { widget: 'textarea' },
        cron: { label: 'When (cron)', placeholder: '0 20 * * 1-5' },
        timeZone: { label: 'Time zone', placeholder: 'Europe/Berlin' },
        action: { label: 'Action', widget: 'select' },
        enabled: { label: 'Enabled', widget: 'checkbox' },
      },
    },
  }),
  describe: defineCommand({
    summary: "List a tenant's instance schedules with their next due time, or describe one by name",
    input: z.strictObject({ ...tenantScope, name: resourceName('schedule').optional(), ...pageInput }),
    output: page(schedule),
    permission: 'DESCRIBE_SCHEDULE',
    audit: null,
    ...tenantCommand,
    cli: { columns: ['name', 'action', 'cron', 'timeZone', 'enabled', 'nextRun', 'creator'] },
  }),
  update: defineCommand({
    summary: 'Change a schedule: enable or disable it, its cron expression, time zone, action, name or description',
    description:
      'A schedule enabled again, or given another cron expression or time zone, counts its due times from then on: ' +
      'nothing missed while it was disabled is run.',
    input: z
      .strictObject({
        ...scheduleRef,
        newName: resourceName('schedule').optional(),
        cron: cron.optional(),
        timeZone: timeZone.optional(),
        action: z.enum(scheduleActions).optional(),
        description: displayText(1000).optional(),
        enabled: z.boolean().optional(),
      })
      .refine((v) => [v.newName, v.cron, v.timeZone, v.action, v.description, v.enabled].some((value) => value !== undefined), {
        message: 'give at least one of newName, cron, timeZone, action, description, enabled',
        path: ['enabled'],
      }),
    output: schedule,
    permission: 'MANAGE_SCHEDULE',
    audit: 'update',
    ...tenantCommand,
  }),
  delete: defineCommand({
    summary: 'Delete a schedule; its executions stay listed',
    input: z.strictObject(scheduleRef),
    output: ok,
    permission: 'MANAGE_SCHEDULE',
    audit: 'delete',
    ...tenantCommand,
    ui: { fields: { tenant: tenantPicker }, confirm: 'Delete this schedule? Its instances are no longer acted on.' },
  }),
  attach: defineCommand({
    summary: 'Attach instances to a schedule, by id or by tag (a tag selector also picks instances tagged later)',
    input: z.strictObject({ ...scheduleRef, ...targets }).refine(someTarget, targetProblem).refine(valueNeedsKey, valueProblem),
    output: schedule,
    permission: 'MANAGE_SCHEDULE',
    audit: 'attach',
    ...tenantCommand,
  }),
  detach: defineCommand({
    summary: 'Detach instances from a schedule: ids attached by id, or a tag selector as it was attached',
    input: z.strictObject({ ...scheduleRef, ...targets }).refine(someTarget, targetProblem).refine(valueNeedsKey, valueProblem),
    output: schedule,
    permission: 'MANAGE_SCHEDULE',
    audit: 'detach',
    ...tenantCommand,
  }),
  describeExecutions: defineCommand({
    summary: "A tenant's schedule executions, newest first (or one schedule's): each due time with the outcome per instance",
    input: z.strictObject({ ...tenantScope, name: resourceName('schedule').optional(), ...pageInput }),
    output: page(execution),
    permission: 'DESCRIBE_SCHEDULE',
    audit: null,
    ...tenantCommand,
    cli: { columns: ['schedule', 'action', 'dueAt', 'state', 'instances'] },
  }),
});
