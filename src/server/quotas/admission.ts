import { noAmounts, percentSpent, reached, scopeCovers } from '../../domain/quotas.js';
import { AppError } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import type { RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { costStandings, monthlyQuotaRows, type CostStanding } from '../queries/quotas.js';
import { checkDailyQuota } from './daily.js';
import { approvedRequestBeingRun, holdForApproval, markExecuted, type CommandRequest, type HeldRequest } from './held-requests.js';

/**
 * Quotas, applied before anything is created (seed §3.4.1). Creating commands call these in
 * their transaction, after validating their input and before calling the cloud.
 */

interface Place {
  tenant: TenantRow;
  region: RegionRef;
}

const scopeName = (quota: CostStanding) =>
  quota.scope === 'all' ? 'all regions' : quota.scope === 'cloud' ? `cloud ${quota.target}` : `region ${quota.target}`;

const describeSpent = (quota: CostStanding, tenant: TenantRow) =>
  `the monthly cost quota of tenant ${tenant.name} for ${scopeName(quota)} is ${percentSpent(quota.spent, quota.limit)}% spent ` +
  `(${quota.spent.toFixed(2)} of ${quota.limit.toFixed(2)} ${quota.currency} in ${quota.month})`;

/** The monthly cost quotas of the tenant that cover the region and are 100% spent. */
async function spentCostQuotas(ctx: CommandContext, { tenant, region }: Place): Promise<CostStanding[]> {
  const covering = (await monthlyQuotaRows(ctx.db, [tenant.id])).filter((quota) =>
    scopeCovers(quota, { cloud: region.cloud, region: region.name }),
  );
  const standings = await costStandings(ctx.db, covering, ctx.services.clock.now());
  return standings.filter((quota) => reached(quota.spent, quota.limit, 100));
}

function denied(quota: CostStanding, tenant: TenantRow, refused = 'new instances are refused'): AppError {
  return new AppError(
    'limit_exceeded',
    `${describeSpent(quota, tenant)}, and its action is ${quota.action}: ${refused} until the month ends (${quota.monthEndsAt}) ` +
      'or the limit is raised (`maestro quotas set-monthly`)',
    {
      quota: 'monthly',
      id: quota.id,
      scope: quota.scope,
      target: quota.target,
      spent: quota.spent,
      limit: quota.limit,
      currency: quota.currency,
      freesAt: quota.monthEndsAt,
    },
  );
}

/**
 * instances.run: the daily resource quota, then the monthly cost quotas that are spent: deny
 * refuses the run, approval holds it (the answer is the pending request, nothing is created).
 * When Maestro runs an approved request, the approval quotas let it through and the request is
 * marked executed in the same transaction; daily quotas and deny still apply.
 */
export async function admitRun(
  ctx: CommandContext,
  place: Place,
  ask: { count: number; cpu: number; ramMb: number },
  request: CommandRequest,
): Promise<HeldRequest | null> {
  const approved = await approvedRequestBeingRun(ctx, place.tenant, request.command);
  await checkDailyQuota(ctx, place.tenant, place.region, {
    ...noAmounts(),
    instances: ask.count,
    cpu: ask.count * ask.cpu,
    ramMb: ask.count * ask.ramMb,
  });
  const spent = await spentCostQuotas(ctx, place);
  const denying = spent.find((quota) => quota.action === 'deny');
  if (denying) throw denied(denying, place.tenant);
  if (approved) {
    await markExecuted(ctx, approved);
    return null;
  }
  const holding = spent.filter((quota) => quota.action === 'approval');
  if (holding.length === 0) return null;
  const reason = `${holding.map((quota) => describeSpent(quota, place.tenant)).join('; ')}: new instances need an approver's approval`;
  return holdForApproval(ctx, place, request, holding.map((quota) => quota.id), reason);
}

/**
 * instances.resize to more CPU or RAM: refused while a monthly cost quota covering the region is
 * spent, whatever its action (a resize is not held for approval: it would change a running
 * instance at a moment nobody chose). Daily quotas count creations, which a resize is not.
 */
export async function admitGrowth(ctx: CommandContext, place: Place): Promise<void> {
  const spent = await spentCostQuotas(ctx, place);
  if (spent[0]) throw denied(spent[0], place.tenant, 'resizes to a larger size are refused');
}

/** volumes.create: the daily resource quota's volumes and storage. */
export async function admitVolume(ctx: CommandContext, place: Place, sizeGb: number): Promise<void> {
  await checkDailyQuota(ctx, place.tenant, place.region, { ...noAmounts(), volumes: 1, storageGb: sizeGb });
}
