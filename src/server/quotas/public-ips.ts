import { AppError } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import type { RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { publicIpsHeld } from '../queries/public-ips.js';

// Any constant works; it only has to be the same on every node.
const PUBLIC_IP_QUOTA_LOCK = 7_316_071;

export interface PublicIpQuota {
  regionId: string | null;
  region: string | null;
  limit: number;
  updatedAt: string;
}

/** The tenant's public IP quotas: the all-regions one (region null) and one per region. */
export async function publicIpQuotas(ctx: CommandContext, tenantId: string): Promise<PublicIpQuota[]> {
  const { rows } = await ctx.db.query<PublicIpQuota>(
    `SELECT q.region_id AS "regionId", r.name AS region, q.max_addresses AS "limit", q.updated_at AS "updatedAt"
       FROM public_ip_quotas q LEFT JOIN regions r ON r.id = q.region_id
      WHERE q.tenant_id = $1 ORDER BY r.name NULLS FIRST`,
    [tenantId],
  );
  return rows;
}

/**
 * Refuses an allocation that would take the tenant past a public IP quota covering the region
 * (limit_exceeded, naming the quota, what is held and what to do). Runs in the allocating
 * command's transaction, under a lock per tenant held until it commits, so two allocations cannot
 * both take the last address of a quota.
 */
export async function admitPublicIp(ctx: CommandContext, tenant: TenantRow, region: RegionRef): Promise<void> {
  const covering = (await publicIpQuotas(ctx, tenant.id)).filter((quota) => quota.regionId === null || quota.regionId === region.id);
  if (covering.length === 0) return;
  await ctx.db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PUBLIC_IP_QUOTA_LOCK, tenant.id]);
  for (const quota of covering) {
    const held = await publicIpsHeld(ctx.db, tenant.id, quota.regionId);
    if (held < quota.limit) continue;
    const where = quota.region === null ? 'in all regions' : `in region ${quota.region}`;
    throw new AppError(
      'limit_exceeded',
      `the public IP quota of tenant ${tenant.name} ${where} allows ${quota.limit} and it holds ${held}; ` +
        'release one (`maestro public-ips release`) or ask for a higher quota (`maestro quotas set-public-ips`)',
      { quota: 'publicIps', tenant: tenant.name, region: quota.region, limit: quota.limit, held },
    );
  }
}
