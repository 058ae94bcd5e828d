import {
  calendarMonth,
  percentSpent,
  spentOn,
  totalOf,
  windowStart,
  type Creation,
  type Limits,
  type Spend,
} from '../../domain/quotas.js';
import type { OutputOf } from '../../protocol/command.js';
import type { Managers } from '../../protocol/commands/index.js';
import type { CostQuotaAction, CostQuotaScope } from '../../protocol/quotas.js';
import type { Queryable } from '../../store/database.js';

type DailyQuotaView = OutputOf<Managers['quotas']['setDaily']>;
type MonthlyQuotaView = OutputOf<Managers['quotas']['setMonthly']>;

// Daily resource quotas

export interface DailyQuotaRow {
  tenantId: string;
  regionId: string;
  region: string;
  intervalHours: number;
  limits: Limits;
  updatedAt: string;
}

const dailySelect = `SELECT q.tenant_id AS "tenantId", q.region_id AS "regionId", r.name AS region, q.interval_hours AS "intervalHours",
  jsonb_build_object('instances', q.instances, 'cpu', q.cpu, 'ramMb', q.ram_mb, 'volumes', q.volumes, 'storageGb', q.storage_gb) AS limits,
  q.updated_at AS "updatedAt"
  FROM daily_quotas q JOIN regions r ON r.id = q.region_id`;

export async function dailyQuotaRows(db: Queryable, tenantId: string, regionId?: string): Promise<DailyQuotaRow[]> {
  const { rows } = await db.query<DailyQuotaRow>(
    `${dailySelect} WHERE q.tenant_id = $1 AND ($2::uuid IS NULL OR q.region_id = $2::uuid) ORDER BY r.name`,
    [tenantId, regionId ?? null],
  );
  return rows;
}

/** What the tenant created in the region since `since` (terminated and deleted included). */
export async function creationsSince(db: Queryable, tenantId: string, regionId: string, since: Date): Promise<Creation[]> {
  const { rows } = await db.query<{ at: string; instances: number; cpu: number; ramMb: number; volumes: number; storageGb: number }>(
    `SELECT created_at AS at, (kind = 'instance')::int AS instances, cpu, ram_mb AS "ramMb", (kind = 'volume')::int AS volumes,
            storage_gb AS "storageGb"
       FROM quota_creations WHERE tenant_id = $1 AND region_id = $2 AND created_at > $3`,
    [tenantId, regionId, since.toISOString()],
  );
  return rows.map(({ at, ...amounts }) => ({ at: new Date(at), amounts }));
}

const gb = (mb: number) => Math.round((mb / 1024) * 1000) / 1000;

export async function dailyQuotaView(db: Queryable, tenant: string, quota: DailyQuotaRow, now: Date): Promise<DailyQuotaView> {
  const since = windowStart(now, quota.intervalHours);
  const used = totalOf(await creationsSince(db, quota.tenantId, quota.regionId, since));
  const { ramMb, ...limits } = quota.limits;
  return {
    tenant,
    region: quota.region,
    intervalHours: quota.intervalHours,
    limits: { ...limits, ramGb: ramMb === null ? null : gb(ramMb) },
    used: { instances: used.instances, cpu: used.cpu, ramGb: gb(used.ramMb), volumes: used.volumes, storageGb: used.storageGb },
    windowStart: since.toISOString(),
    updatedAt: quota.updatedAt,
  };
}

// Monthly cost quotas

export interface MonthlyQuotaRow {
  id: string;
  tenantId: string;
  scope: CostQuotaScope;
  /** The cloud code or region name; null for scope all. */
  target: string | null;
  limit: number;
  currency: string;
  notifyAtPercent: number | null;
  action: CostQuotaAction;
  revision: number;
  updatedAt: string;
}

const monthlySelect = `SELECT id, tenant_id AS "tenantId", scope, NULLIF(target, '') AS target, amount::float8 AS "limit", currency,
  notify_at_percent AS "notifyAtPercent", action, revision, updated_at AS "updatedAt" FROM monthly_quotas`;

export async function monthlyQuotaRows(db: Queryable, tenantIds: readonly string[]): Promise<MonthlyQuotaRow[]> {
  const { rows } = await db.query<MonthlyQuotaRow>(`${monthlySelect} WHERE tenant_id = ANY($1::uuid[]) ORDER BY tenant_id, scope, target`, [
    tenantIds,
  ]);
  return rows;
}

export async function monthlyQuotaAt(db: Queryable, tenantId: string, scope: CostQuotaScope, target: string | null): Promise<MonthlyQuotaRow | null> {
  const { rows } = await db.query<MonthlyQuotaRow>(`${monthlySelect} WHERE tenant_id = $1 AND scope = $2 AND target = $3`, [
    tenantId,
    scope,
    target ?? '',
  ]);
  return rows[0] ?? null;
}

export async function tenantsWithMonthlyQuotas(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ tenantId: string }>('SELECT DISTINCT tenant_id AS "tenantId" FROM monthly_quotas ORDER BY 1');
  return rows.map((row) => row.tenantId);
}

/** A monthly quota with what its tenant spent this month where it applies. */
export interface CostStanding extends MonthlyQuotaRow {
  month: string;
  /** When spending starts again from nothing: the first instant of the next month. */
  monthEndsAt: string;
  spent: number;
}

/** This calendar month's spending of each quota of the tenants, from billing's daily records. */
export async function costStandings(db: Queryable, quotas: readonly MonthlyQuotaRow[], now: Date): Promise<CostStanding[]> {
  if (quotas.length === 0) return [];
  const month = calendarMonth(now);
  const { rows } = await db.query<Spend & { tenantId: string }>(
    `SELECT tenant_id AS "tenantId", cloud, region, currency, sum(cost)::float8 AS cost
       FROM daily_tenant_records
      WHERE tenant_id = ANY($1::uuid[]) AND day >= $2::date AND day < $3::date
      GROUP BY tenant_id, cloud, region, currency`,
    [[...new Set(quotas.map((q) => q.tenantId))], month.from, month.until],
  );
  return quotas.map((quota) => ({
    ...quota,
    month: month.month,
    monthEndsAt: `${month.until}T00:00:00.000Z`,
    spent: spentOn(quota, rows.filter((row) => row.tenantId === quota.tenantId)),
  }));
}

export function monthlyQuotaView(tenant: string, standing: CostStanding): MonthlyQuotaView {
  return {
    id: standing.id,
    tenant,
    scope: standing.scope,
    cloud: standing.scope === 'cloud' ? standing.target : null,
    region: standing.scope === 'region' ? standing.target : null,
    limit: standing.limit,
    currency: standing.currency,
    notifyAtPercent: standing.notifyAtPercent,
    action: standing.action,
    month: standing.month,
    spent: Math.round(standing.spent * 100) / 100,
    percent: percentSpent(standing.spent, standing.limit),
    updatedAt: standing.updatedAt,
  };
}

/** The thresholds already announced this month for each quota's current setting (its revision). */
export async function announcedThresholds(db: Queryable, standings: readonly CostStanding[]): Promise<Map<string, Set<number>>> {
  const announced = new Map<string, Set<number>>(standings.map((quota) => [quota.id, new Set<number>()]));
  if (standings.length === 0) return announced;
  const { rows } = await db.query<{ quotaId: string; revision: number; percent: number }>(
    'SELECT quota_id AS "quotaId", revision, percent FROM quota_thresholds WHERE quota_id = ANY($1::uuid[]) AND month = $2',
    [standings.map((quota) => quota.id), standings[0]!.month],
  );
  const revisions = new Map(standings.map((quota) => [quota.id, quota.revision]));
  for (const row of rows) if (revisions.get(row.quotaId) === row.revision) announced.get(row.quotaId)!.add(row.percent);
  return announced;
}

/** The tenant's running instances with where they run, for quotas that stop them. */
export async function runningInstancesOf(db: Queryable, tenantId: string): Promise<Array<{ id: string; name: string; cloud: string; region: string }>> {
  const { rows } = await db.query<{ id: string; name: string; cloud: string; region: string }>(
    `SELECT i.id, i.name, r.cloud, r.name AS region FROM instances i JOIN regions r ON r.id = i.region_id
      WHERE i.tenant_id = $1 AND i.state = 'running' ORDER BY i.id`,
    [tenantId],
  );
  return rows;
}
