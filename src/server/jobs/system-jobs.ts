import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/database.js';
import type { HourlyBilling } from '../billing/hourly-billing.js';
import type { DiscoveryReport } from '../compute/discovery-report.js';
import type { Config } from '../config.js';
import type { QuotaEvaluator } from '../quotas/evaluator.js';
import type { JobEngine } from './engine.js';
import { deleteNodesGone } from './node-heartbeat.js';
import { deleteFinished } from './queue.js';
import type { RecurringDefinition } from './recurring.js';

/** The system's own jobs; each is also the name of the recurring definition that enqueues it. */
export const systemJobs = {
  billing: 'billing.hourly',
  discovery: 'compute.discovery',
  quotas: 'quotas.evaluate',
  notifications: 'notifications.deliver',
  cleanup: 'jobs.cleanup',
} as const;

const DAY_MS = 86_400_000;

export interface SystemJobDeps {
  engine: JobEngine;
  db: Queryable;
  clock: Clock;
  config: Pick<
    Config,
    'systemJobs' | 'billingCheckIntervalMs' | 'discoveryIntervalMinutes' | 'quotaIntervalMs' | 'notificationIntervalMs' | 'jobRetentionDays'
  >;
  billing: HourlyBilling;
  quotas: QuotaEvaluator;
  discoverEveryRegion: () => Promise<DiscoveryReport[]>;
  /** Sends the notification deliveries that are due (retries; new ones are sent when committed). */
  deliverNotifications: () => Promise<unknown>;
}

/**
 * Registers the handlers of the system jobs and (unless `systemJobs` is off) their recurring
 * definitions, with the intervals the configuration has always had. Their work is the same as
 * when each had a timer on every node; now one node runs each due time.
 */
export async function registerSystemJobs(deps: SystemJobDeps): Promise<void> {
  const { engine, config } = deps;
  engine.register(
    systemJobs.billing,
    async () => {
      const hours = await deps.billing.catchUp();
      return { hours: hours.length, billed: hours.filter((hour) => hour.billed).map((hour) => hour.hour) };
    },
    { maxAttempts: 3, backoffMs: 5_000 },
  );
  engine.register(
    systemJobs.discovery,
    async () => {
      const reports = await deps.discoverEveryRegion();
      const sum = (field: 'discovered' | 'vanished') => reports.reduce((total, report) => total + report[field], 0);
      return { regions: reports.length, discovered: sum('discovered'), vanished: sum('vanished') };
    },
    { maxAttempts: 2, backoffMs: 60_000 },
  );
  engine.register(
    systemJobs.quotas,
    (payload) => (payload.tenantIds ? deps.quotas.evaluate(payload.tenantIds) : deps.quotas.evaluateAll()),
    { payload: z.object({ tenantIds: z.array(z.string().uuid()).optional() }), maxAttempts: 3, backoffMs: 30_000 },
  );
  engine.register(systemJobs.notifications, () => deps.deliverNotifications(), { maxAttempts: 3, backoffMs: 1_000 });
  engine.register(
    systemJobs.cleanup,
    async () => {
      const before = new Date(deps.clock.now().getTime() - config.jobRetentionDays * DAY_MS);
      return { jobs: await deleteFinished(deps.db, before), nodes: await deleteNodesGone(deps.db, before) };
    },
    { maxAttempts: 3, backoffMs: 60_000 },
  );

  const definitions: RecurringDefinition[] = [
    { name: systemJobs.billing, type: systemJobs.billing, schedule: { everyMs: config.billingCheckIntervalMs } },
    { name: systemJobs.discovery, type: systemJobs.discovery, schedule: { everyMs: Math.round(config.discoveryIntervalMinutes * 60_000) } },
    { name: systemJobs.quotas, type: systemJobs.quotas, schedule: { everyMs: config.quotaIntervalMs } },
    { name: systemJobs.notifications, type: systemJobs.notifications, schedule: { everyMs: config.notificationIntervalMs } },
    // Hourly, away from the top of the hour when billing runs.
    { name: systemJobs.cleanup, type: systemJobs.cleanup, schedule: { cron: '30 * * * *', timeZone: 'UTC' } },
  ];
  if (!config.systemJobs) return engine.disableRecurring(definitions.map((definition) => definition.name));
  for (const definition of definitions) await engine.defineRecurring(definition);
}

/**
 * Every quota once more, after the event `seq` moved spending (a public billing import). Every
 * node hears of the event; the key makes it one job.
 */
export function evaluateQuotasAfter(engine: JobEngine, seq: number): Promise<{ id: string; created: boolean }> {
  return engine.enqueue({ type: systemJobs.quotas, idempotencyKey: `${systemJobs.quotas}:after:${seq}` });
}
