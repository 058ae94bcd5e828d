import { costQuotaName } from '../../domain/quotas.js';
import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/quotas.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { CostQuotaScope } from '../../protocol/quotas.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef, type RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import {
  costStandings,
  dailyQuotaRows,
  dailyQuotaView,
  monthlyQuotaAt,
  monthlyQuotaRows,
  monthlyQuotaView,
  type MonthlyQuotaRow,
} from '../queries/quotas.js';
import { publicIpQuotaHandlers } from './public-ip-quotas.js';
import { tenantInScope } from './scope.js';

const dailyScope = (tenant: TenantRow, region: RegionRef): EventScope => ({
  target: { id: `daily/${tenant.id}/${region.id}`, name: `daily quota in ${region.name}` },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region.name,
});

const monthlyScope = (tenant: TenantRow, quota: { id: string; scope: CostQuotaScope; target: string | null }): EventScope => ({
  target: { id: quota.id, name: costQuotaName(quota) },
  customerId: tenant.customerId,
  tenantId: tenant.id,
});

/** The cloud code or region name a monthly quota applies to (a region must exist); null for scope all. */
async function costTarget(
  ctx: CommandContext,
  place: { scope: CostQuotaScope; cloud?: string | undefined; region?: string | undefined },
): Promise<string | null> {
  if (place.scope === 'cloud') return place.cloud!;
  if (place.scope === 'region') return (await regionRef(ctx.db, place.region!)).name;
  return null;
}

async function monthlyQuotaOf(ctx: CommandContext, tenant: TenantRow, place: Parameters<typeof costTarget>[1]): Promise<MonthlyQuotaRow> {
  const target = await costTarget(ctx, place);
  const quota = await monthlyQuotaAt(ctx.db, tenant.id, place.scope, target);
  if (!quota) {
    throw notFound('monthly quota', costQuotaName({ scope: place.scope, target }), 'list them with `maestro quotas describe-monthly`');
  }
  return quota;
}

const optional = (value: number | undefined) => value ?? null;

export const quotas: ManagerHandlers<Managers['quotas']> = {
  async setDaily(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await regionRef(ctx.db, input.region);
    await ctx.emit(
      events.dailyQuotaSet,
      {
        tenantId: tenant.id,
        regionId: region.id,
        intervalHours: input.intervalHours,
        instances: optional(input.instances),
        cpu: optional(input.cpu),
        ramMb: input.ramGb === undefined ? null : Math.round(input.ramGb * 1024),
        volumes: optional(input.volumes),
        storageGb: optional(input.storageGb),
      },
      dailyScope(tenant, region),
    );
    const [quota] = await dailyQuotaRows(ctx.db, tenant.id, region.id);
    return dailyQuotaView(ctx.db, tenant.name, quota!, ctx.services.clock.now());
  },

  async describeDaily(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = input.region === undefined ? undefined : await regionRef(ctx.db, input.region);
    const now = ctx.services.clock.now();
    const items = [];
    for (const quota of await dailyQuotaRows(ctx.db, tenant.id, region?.id)) items.push(await dailyQuotaView(ctx.db, tenant.name, quota, now));
    return { items };
  },

  async deleteDaily(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await regionRef(ctx.db, input.region);
    const [quota] = await dailyQuotaRows(ctx.db, tenant.id, region.id);
    if (!quota) throw notFound('daily quota', `${tenant.name} in ${region.name}`, 'list them with `maestro quotas describe-daily`');
    await ctx.emit(events.dailyQuotaDeleted, { tenantId: tenant.id, regionId: region.id }, dailyScope(tenant, region));
    return { ok: true as const };
  },

  async setMonthly(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const target = await costTarget(ctx, input);
    // One quota per place: setting it again replaces it under the same id.
    const id = (await monthlyQuotaAt(ctx.db, tenant.id, input.scope, target))?.id ?? uuidv7();
    await ctx.emit(
      events.monthlyQuotaSet,
      {
        id,
        tenantId: tenant.id,
        scope: input.scope,
        target,
        limit: input.limit,
        currency: input.currency,
        notifyAtPercent: optional(input.notifyAtPercent),
        action: input.action,
      },
      monthlyScope(tenant, { id, scope: input.scope, target }),
    );
    const quota = (await monthlyQuotaAt(ctx.db, tenant.id, input.scope, target))!;
    const [standing] = await costStandings(ctx.db, [quota], ctx.services.clock.now());
    return monthlyQuotaView(tenant.name, standing!);
  },

  async describeMonthly(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const standings = await costStandings(ctx.db, await monthlyQuotaRows(ctx.db, [tenant.id]), ctx.services.clock.now());
    return { items: standings.map((standing) => monthlyQuotaView(tenant.name, standing)) };
  },

  async deleteMonthly(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const quota = await monthlyQuotaOf(ctx, tenant, input);
    await ctx.emit(events.monthlyQuotaDeleted, { id: quota.id, tenantId: tenant.id }, monthlyScope(tenant, quota));
    return { ok: true as const };
  },

  ...publicIpQuotaHandlers,
};
