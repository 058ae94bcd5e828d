import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/networks.js';
import type { Queryable } from '../../store/database.js';
import type { ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { publicIpsHeld } from '../queries/public-ips.js';
import { publicIpQuotas, type PublicIpQuota } from '../quotas/public-ips.js';
import { tenantInScope } from './scope.js';

const quotaScope = (tenant: TenantRow, region: { id: string; name: string } | null): EventScope => ({
  target: { id: `public-ips/${tenant.id}/${region?.id ?? 'all'}`, name: `public IP quota in ${region?.name ?? 'all regions'}` },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region?.name ?? null,
});

type QuotaHandlers = ManagerHandlers<Managers['quotas']>;

/** The public IP quota commands of the quotas manager (docs/quotas.md). */
export const publicIpQuotaHandlers: Pick<QuotaHandlers, 'setPublicIps' | 'describePublicIps' | 'deletePublicIps'> = {
  async setPublicIps(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = input.region === undefined ? null : await regionRef(ctx.db, input.region);
    await ctx.emit(events.publicIpQuotaSet, { tenantId: tenant.id, regionId: region?.id ?? null, limit: input.limit }, quotaScope(tenant, region));
    const quota = (await publicIpQuotas(ctx, tenant.id)).find((q) => q.regionId === (region?.id ?? null))!;
    return view(ctx.db, tenant, quota);
  },

  async describePublicIps(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const items = [];
    for (const quota of await publicIpQuotas(ctx, tenant.id)) items.push(await view(ctx.db, tenant, quota));
    return { items };
  },

  async deletePublicIps(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = input.region === undefined ? null : await regionRef(ctx.db, input.region);
    if (!(await publicIpQuotas(ctx, tenant.id)).some((q) => q.regionId === (region?.id ?? null))) {
      throw notFound('public IP quota', `${tenant.name} in ${region?.name ?? 'all regions'}`, 'list them with `maestro quotas describe-public-ips`');
    }
    await ctx.emit(events.publicIpQuotaDeleted, { tenantId: tenant.id, regionId: region?.id ?? null }, quotaScope(tenant, region));
    return { ok: true as const };
  },
};

async function view(db: Queryable, tenant: TenantRow, quota: PublicIpQuota) {
  return { tenant: tenant.name, region: quota.region, limit: quota.limit, held: await publicIpsHeld(db, tenant.id, quota.regionId), updatedAt: quota.updatedAt };
}
