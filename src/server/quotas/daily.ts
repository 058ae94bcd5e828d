import { dailyExcess, windowStart, type Amounts, type CreationDimension, type DailyExcess } from '../../domain/quotas.js';
import { AppError } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import type { RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { creationsSince, dailyQuotaRows } from '../queries/quotas.js';

// Any constant works; it only has to be the same on every node.
const DAILY_QUOTA_LOCK = 7_316_070;

/** Dimensions as the API names them: RAM in GB. */
const presented: Record<CreationDimension, { name: string; scale: number }> = {
  instances: { name: 'instances', scale: 1 },
  cpu: { name: 'cpu', scale: 1 },
  ramMb: { name: 'ramGb', scale: 1 / 1024 },
  volumes: { name: 'volumes', scale: 1 },
  storageGb: { name: 'storageGb', scale: 1 },
};

/** An excess as the API shows it: in the API's units, rounded for people. */
function presentedExcess(excess: DailyExcess) {
  const { name, scale } = presented[excess.dimension];
  const amount = (n: number) => Math.round(n * scale * 1000) / 1000;
  return { dimension: name, limit: amount(excess.limit), used: amount(excess.used), asked: amount(excess.asked), freesAt: excess.freesAt?.toISOString() ?? null };
}

function describeExcess(excess: ReturnType<typeof presentedExcess>, intervalHours: number): string {
  const when =
    excess.freesAt === null ? `the request alone is over the limit; ask for at most ${excess.limit}` : `room frees up at ${excess.freesAt}`;
  return `${excess.dimension}: ${excess.used} created in the last ${intervalHours} h + ${excess.asked} asked > limit ${excess.limit}; ${when}`;
}

/**
 * Refuses a creation that would take the tenant past its daily resource quota in the region
 * (limit_exceeded, saying what is used, what was asked and when room frees up). Runs in the
 * creating command's transaction, under a lock per tenant and region held until it commits, so
 * two concurrent requests cannot both take the last of the quota.
 */
export async function checkDailyQuota(ctx: CommandContext, tenant: TenantRow, region: RegionRef, ask: Amounts): Promise<void> {
  const [quota] = await dailyQuotaRows(ctx.db, tenant.id, region.id);
  if (!quota) return;
  await ctx.db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DAILY_QUOTA_LOCK, `${tenant.id}/${region.id}`]);
  const now = ctx.services.clock.now();
  const creations = await creationsSince(ctx.db, tenant.id, region.id, windowStart(now, quota.intervalHours));
  const excess = dailyExcess(quota.limits, creations, ask, quota.intervalHours);
  if (excess.length === 0) return;
  const exceeded = excess.map(presentedExcess);
  throw new AppError(
    'limit_exceeded',
    `the daily resource quota of tenant ${tenant.name} in region ${region.name} does not allow this: ` +
      exceeded.map((e) => describeExcess(e, quota.intervalHours)).join('; '),
    { quota: 'daily', tenant: tenant.name, region: region.name, intervalHours: quota.intervalHours, exceeded },
  );
}
