import type { Clock } from '../../domain/clock.js';
import { costQuotaName, quotaStopReason, reached, scopeCovers, thresholdsDue } from '../../domain/quotas.js';
import { AppError } from '../../protocol/errors.js';
import * as events from '../../protocol/events/quotas.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Database, Queryable } from '../../store/database.js';
import { initiatorOf, systemActor } from '../actor.js';
import type { Dispatcher } from '../dispatch.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import {
  announcedThresholds,
  costStandings,
  monthlyQuotaRows,
  runningInstancesOf,
  tenantsWithMonthlyQuotas,
  type CostStanding,
} from '../queries/quotas.js';

// Any constant works; it only has to be the same on every node.
const EVALUATION_LOCK = 7_316_071;

export interface QuotaReport {
  tenants: number;
  /** quota.thresholdReached events recorded. */
  thresholds: number;
  /** Instances stopped by quotas with action stop. */
  stopped: number;
  /** Stops that failed (cloud unavailable …): logged, and tried again on the next evaluation. */
  failed: number;
}

export interface QuotaEvaluatorDeps {
  db: Database;
  writer: EventWriter;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  nodeName: string;
}

interface Tenant {
  id: string;
  name: string;
  customerId: string;
}

async function tenantById(db: Queryable, id: string): Promise<Tenant | null> {
  const { rows } = await db.query<Tenant>('SELECT id, name, customer_id AS "customerId" FROM tenants WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/**
 * Recomputes the monthly cost quotas of tenants from billing (seed §3.4.1). Each threshold of a
 * quota's notification plan, and 100%, is recorded once per month and setting as a
 * `quota.thresholdReached` event, for the tenant's contacts to be told: the tenant is locked while
 * it is decided, so several nodes evaluating together record it once. While a quota with action
 * stop is 100% spent, every evaluation stops the running instances where it applies, through the
 * dispatcher as the system actor `quotas` with the CADF reason `maestro/quota` (the quota's id),
 * so each stop is authorised and audited like a user's call.
 *
 * Billing calls `evaluate` with the tenants whose spending moved; the recurring job
 * `quotas.evaluate` evaluates every tenant with a monthly quota, as a safety net, and once more
 * after each public billing import (src/server/jobs/system-jobs.ts).
 */
export class QuotaEvaluator {
  readonly #actor = systemActor('quotas');
  readonly #origin: EventOrigin;
  #stopped = false;

  constructor(private readonly deps: QuotaEvaluatorDeps) {
    this.#origin = { initiator: initiatorOf(this.#actor), requestId: null, observer: { typeURI: 'service/maestro', id: deps.nodeName } };
  }

  /** An evaluation in progress stops after its current tenant (the node is shutting down). */
  stop(): void {
    this.#stopped = true;
  }

  /** Every tenant with a monthly quota. */
  async evaluateAll(): Promise<QuotaReport> {
    return this.evaluate(await tenantsWithMonthlyQuotas(this.deps.db));
  }

  /** Recomputes the spending of these tenants' monthly quotas, announces thresholds and stops what must stop. */
  async evaluate(tenantIds: readonly string[]): Promise<QuotaReport> {
    const report: QuotaReport = { tenants: 0, thresholds: 0, stopped: 0, failed: 0 };
    for (const tenantId of new Set(tenantIds)) {
      if (this.#stopped) break;
      const tenant = await tenantById(this.deps.db, tenantId);
      if (!tenant) continue;
      report.tenants += 1;
      const spent = await this.#announce(tenant, report);
      for (const quota of spent.filter((q) => q.action === 'stop')) await this.#stopInstances(tenant, quota, report);
    }
    return report;
  }

  /** Records the thresholds reached since the last evaluation; returns the quotas that are 100% spent. */
  async #announce(tenant: Tenant, report: QuotaReport): Promise<CostStanding[]> {
    const { db, writer, clock } = this.deps;
    const now = clock.now();
    const { recorded, standings } = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [EVALUATION_LOCK, tenant.id]);
      const standings = await costStandings(tx, await monthlyQuotaRows(tx, [tenant.id]), now);
      const announced = await announcedThresholds(tx, standings);
      const due = standings.flatMap((quota) =>
        thresholdsDue(quota.spent, quota.limit, quota.notifyAtPercent, announced.get(quota.id)!).map((percent) =>
          writer.build(
            events.quotaThresholdReached,
            {
              quotaId: quota.id,
              tenantId: tenant.id,
              scope: quota.scope,
              target: quota.target,
              revision: quota.revision,
              month: quota.month,
              percent,
              spent: quota.spent,
              limit: quota.limit,
              currency: quota.currency,
              action: quota.action,
            },
            { target: { id: quota.id, name: costQuotaName(quota) }, customerId: tenant.customerId, tenantId: tenant.id },
            this.#origin,
          ),
        ),
      );
      const recorded: RecordedEvent[] = due.length > 0 ? await writer.append(tx, due) : [];
      return { recorded, standings };
    });
    await writer.committed(recorded);
    report.thresholds += recorded.length;
    return standings.filter((quota) => reached(quota.spent, quota.limit, 100));
  }

  async #stopInstances(tenant: Tenant, quota: CostStanding, report: QuotaReport): Promise<void> {
    for (const instance of await runningInstancesOf(this.deps.db, tenant.id)) {
      if (this.#stopped) return;
      if (!scopeCovers(quota, instance)) continue;
      const about = { tenant: tenant.name, instance: instance.id, name: instance.name, quota: quota.id };
      try {
        await this.deps.dispatcher.call('instances.stop', { tenant: tenant.name, id: instance.id }, { actor: this.#actor, reason: quotaStopReason(quota.id) });
        report.stopped += 1;
        this.deps.logger.info(about, `instance stopped: the ${costQuotaName(quota)} is spent`);
      } catch (error) {
        if (error instanceof AppError && error.kind === 'invalid_state') continue; // stopped meanwhile, by someone or another node
        report.failed += 1;
        this.deps.logger.warn({ ...about, err: error }, 'could not stop an instance for a spent quota; trying again on the next evaluation');
      }
    }
  }
}
