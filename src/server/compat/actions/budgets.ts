import { invalidInput } from '../../../protocol/errors.js';
import { defineAction, everyPage, type Commands } from '../action.js';
import { m3, wireParams } from '../params.js';
import { eitherOf } from './nested-params.js';

/** Budgets: Maestro's monthly cost quotas, with this month's spending. */

const criteria = ['ALL', 'DEPLETED', 'ACTUAL', 'DISABLED'] as const;

export const budgetParams = {
  tenantGroup: m3.text(64).optional(),
  year: m3.integer(2000, 9999),
  month: m3.integer(1, 12),
  region: m3.text(64).optional(),
  criteria: m3.oneOf(criteria).optional(),
  compressEachQuota: m3.flag().optional(),
  URL: m3.flag().optional(),
};

export interface BudgetQuery {
  tenant: string;
  year: number;
  month: number;
  region?: string | undefined;
  criteria?: (typeof criteria)[number] | undefined;
  URL?: boolean | undefined;
}

export const noPresignedUrls = () =>
  invalidInput('this server does not publish reports at presigned URLs: leave URL out to get the report in the answer', { field: 'URL' });

/**
 * One row per monthly cost quota of the tenant (the original's tenant group is a tenant here).
 * A quota is DEPLETED once its limit is spent, else ACTUAL; Maestro's quotas cannot be disabled,
 * so DISABLED lists none. Spending is known for the current month only. Each row also carries
 * the fields the command-line client's budgets-report plugin builds its table from
 * (tenantDisplayName, monthUsages, thresholds, actions, active, regionName).
 */
export async function budgetRows(maestro: Commands, params: BudgetQuery) {
  if (params.URL === true) throw noPresignedUrls();
  const [{ items }, tenants, regions] = await Promise.all([
    maestro.quotas.describeMonthly({ tenant: params.tenant }),
    maestro.tenants.describe({ name: params.tenant }),
    everyPage((page) => maestro.regions.describe(page)),
  ]);
  const asked = `${params.year}-${String(params.month).padStart(2, '0')}`;
  if (items.length > 0 && items[0]!.month !== asked) {
    throw invalidInput(`this server knows the spending of the current month (${items[0]!.month}) only, not of ${asked}`, { field: 'month' });
  }
  const tenant = tenants.items[0];
  const cloudOf = new Map(regions.map((r) => [r.name, r.cloud as string]));
  const wanted = params.criteria ?? 'ALL';
  const monthStart = Date.UTC(params.year, params.month - 1, 1);
  return items
    .map((quota) => {
      const affectedRegions =
        quota.scope === 'region' ? [quota.region!] : (tenant?.regions ?? []).filter((r) => quota.scope === 'all' || cloudOf.get(r) === quota.cloud);
      return {
        tenant: quota.tenant,
        type: quota.scope.toUpperCase(),
        monthlyBudget: quota.limit,
        currentChargeback: quota.spent,
        utilization: quota.percent,
        actionPlan: quota.action.toUpperCase(),
        status: quota.percent >= 100 ? 'DEPLETED' : 'ACTUAL',
        tag: null,
        affectedRegions,
        currencyCode: quota.currency,
        notifyAtPercent: quota.notifyAtPercent,
        cloud: quota.cloud,
        month: quota.month,
        tenantDisplayName: tenant?.displayName ?? quota.tenant,
        monthUsages: [{ month: monthStart, value: quota.limit, used: quota.spent, percentUsed: quota.percent }],
        thresholds: quota.notifyAtPercent === null ? [] : [{ value: quota.notifyAtPercent }],
        actions: [quota.action.toUpperCase()],
        // Maestro's cost quotas are always in force.
        active: true,
        regionName: affectedRegions.join(', '),
      };
    })
    .filter((row) => wanted === 'ALL' || row.status === wanted)
    .filter((row) => params.region === undefined || row.affectedRegions.includes(params.region.toUpperCase()));
}

/**
 * GET_QUOTAS_BY_TENANTS_AND_CRITERIA (budgets-report). The command-line client's plugin sends
 * the tenant group as `tenantNames: [group]` and the region as `regionName`; the reference names
 * them tenantGroup and region. Several tenants are reported one after the other.
 */
export const budgetsReport = defineAction({
  action: 'GET_QUOTAS_BY_TENANTS_AND_CRITERIA',
  params: wireParams({ ...budgetParams, tenantNames: m3.list(50).optional(), regionName: m3.text(64).optional() }),
  async run({ tenantGroup, tenantNames, region, regionName, ...params }, { maestro }) {
    const tenants = [...new Set([...(tenantGroup !== undefined ? [tenantGroup] : []), ...(tenantNames ?? [])].map((name) => name.toUpperCase()))];
    if (tenants.length === 0) throw invalidInput('give the tenant: tenantGroup (or tenantNames)', { field: 'tenantGroup' });
    const rows = [];
    const where = eitherOf({ region, regionName });
    for (const tenant of tenants) rows.push(...(await budgetRows(maestro, { ...params, tenant, region: where })));
    return rows;
  },
});
