import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { page, pageInput, timestamp } from '../common.js';
import { jobStatuses, nodeStatuses } from '../jobs.js';

/** The seed's JMX page (§3.5.3): nodes, jobs, their statuses and schedules, for system administrators. */

const node = z.object({
  id: z.string().uuid().describe('this run of the node: a restarted node is a new entry'),
  name: z.string(),
  status: z.enum(nodeStatuses),
  host: z.string(),
  pid: z.number().int(),
  url: z.string().nullable(),
  version: z.string(),
  startedAt: timestamp,
  heartbeatAt: timestamp,
  load: z.object({
    loadAverage: z.array(z.number()).describe('the host\'s 1, 5 and 15 minute load averages'),
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    jobsRunning: z.number().int(),
    jobConcurrency: z.number().int(),
  }),
});

const job = z.object({
  id: z.string().uuid(),
  type: z.string(),
  status: z.enum(jobStatuses),
  priority: z.number().int(),
  payload: z.unknown(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAt: timestamp.describe('not before'),
  node: z.string().nullable().describe('the node running it, or that ran it last'),
  leaseUntil: timestamp.nullable(),
  recurring: z.string().nullable().describe('the recurring job that enqueued it'),
  idempotencyKey: z.string().nullable(),
  tenantId: z.string().uuid().nullable(),
  result: z.unknown().nullable(),
  progress: z.unknown().nullable().describe('what the job reported of its work so far (for a billing import: rows, bytes, rate, phase)'),
  error: z.string().nullable(),
  errorStack: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});

const recurringJob = z.object({
  name: z.string(),
  schedule: z.string().describe('a cron expression with its time zone, or a fixed interval'),
  cron: z.string().nullable(),
  everyMs: z.number().int().nullable(),
  timeZone: z.string(),
  type: z.string(),
  payload: z.unknown(),
  enabled: z.boolean(),
  lastScheduledFor: timestamp.nullable().describe('the due time of the last job enqueued'),
  lastJob: z.object({ id: z.string().uuid(), status: z.enum(jobStatuses), finishedAt: timestamp.nullable() }).nullable(),
  nextRunAt: timestamp.nullable(),
});

const platform = { feature: 'organisation', audience: 'admin', scope: { kind: 'platform' } } as const;

export const nodes = defineManager('nodes', 'node', {
  describe: defineCommand({
    summary: 'List the control-plane nodes, newest first: heartbeat, load, jobs running',
    description: 'A node whose heartbeat is more than three heartbeat intervals old is shown as lost.',
    input: z.strictObject({ status: z.enum(nodeStatuses).optional(), ...pageInput }),
    output: page(node),
    permission: 'DESCRIBE_NODES',
    audit: null,
    ...platform,
    cli: { columns: ['name', 'status', 'version', 'startedAt', 'heartbeatAt', 'load.jobsRunning', 'load.loadAverage', 'url'] },
  }),
});

export const jobs = defineManager('jobs', 'job', {
  describe: defineCommand({
    summary: 'List jobs, newest first, or describe one: status, attempts, node, result or error',
    input: z.strictObject({
      id: z.string().uuid().optional(),
      status: z.enum(jobStatuses).optional(),
      type: z.string().max(200).optional(),
      ...pageInput,
    }),
    output: page(job),
    permission: 'DESCRIBE_JOBS',
    audit: null,
    ...platform,
    cli: { columns: ['id', 'type', 'status', 'attempts', 'maxAttempts', 'runAt', 'node', 'recurring', 'error'] },
  }),
  retry: defineCommand({
    summary: 'Run a failed job again, with all its attempts',
    input: z.strictObject({ id: z.string().uuid() }),
    output: job,
    permission: 'RETRY_JOB',
    audit: 'update',
    ...platform,
  }),
  describeRecurring: defineCommand({
    summary: 'List the recurring jobs: schedule, last run and next run',
    input: z.strictObject({ name: z.string().max(200).optional(), ...pageInput }),
    output: page(recurringJob),
    permission: 'DESCRIBE_JOBS',
    audit: null,
    ...platform,
    cli: { columns: ['name', 'schedule', 'type', 'enabled', 'lastScheduledFor', 'lastJob.status', 'nextRunAt'] },
  }),
});
