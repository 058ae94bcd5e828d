import { policyAt, type PolicyPeriod } from '../../domain/billing/hourly.js';
import { monthlyPrice, perSecond, type BillableSpec } from '../../domain/billing/prices.js';
import type { PriceSchedule } from '../../protocol/billing.js';
import type { Managers } from '../../protocol/commands/index.js';
import { utcDay } from '../../protocol/common.js';
import * as events from '../../protocol/events/billing.js';
import { forbidden, invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { regionRef } from '../queries/compute.js';
import { billingReport, toCsv } from '../queries/billing-reports.js';
import { resolveImage } from './instances.js';
import { resolveShape } from './shape-choice.js';
import { tenantInScope, tenantsInView, usableRegion } from './scope.js';

interface PolicyRow extends PolicyPeriod {
  regionId: string;
  description: string;
}

async function regionPolicies(ctx: CommandContext, regionId: string): Promise<PolicyRow[]> {
  const { rows } = await ctx.db.query<Omit<PolicyRow, 'effectiveFrom'> & { effectiveFrom: string }>(
    `SELECT id, region_id AS "regionId", effective_from AS "effectiveFrom", currency, prices, description
       FROM price_policies WHERE region_id = $1 ORDER BY effective_from`,
    [regionId],
  );
  return rows.map((row) => ({ ...row, effectiveFrom: Date.parse(row.effectiveFrom) }));
}

function policyView(policy: PolicyRow, region: string, active: PolicyPeriod | null) {
  return {
    id: policy.id,
    region,
    effectiveFrom: new Date(policy.effectiveFrom).toISOString(),
    currency: policy.currency,
    description: policy.description,
    prices: policy.prices as PriceSchedule,
    active: active?.id === policy.id,
  };
}

/** The end of the last billed hour: history before it is priced for good. */
async function billedUntil(ctx: CommandContext): Promise<number | null> {
  const { rows } = await ctx.db.query<{ last: string | null }>('SELECT max(hour) AS last FROM billing_runs');
  return rows[0]!.last === null ? null : Date.parse(rows[0]!.last) + 3_600_000;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export const pricePolicies: ManagerHandlers<Managers['pricePolicies']> = {
  async create(input, ctx) {
    const region = await regionRef(ctx.db, input.region);
    if (region.kind !== 'private') {
      throw invalidInput(`region ${region.name} is public: its billing is imported from the provider, not priced here`, { field: 'region' });
    }
    const effectiveFrom = input.effectiveFrom === undefined ? ctx.services.clock.now().getTime() : Date.parse(input.effectiveFrom);
    const billed = await billedUntil(ctx);
    if (billed !== null && effectiveFrom < billed) {
      throw invalidInput(`hours up to ${new Date(billed).toISOString()} are billed already; a new policy can take effect from then on`, {
        field: 'effectiveFrom',
      });
    }
    if ((await regionPolicies(ctx, region.id)).some((policy) => policy.effectiveFrom === effectiveFrom)) {
      throw invalidState(`region ${region.name} has a policy taking effect at that very time; delete it or choose another time`);
    }
    const id = uuidv7();
    const data = {
      id,
      regionId: region.id,
      effectiveFrom: new Date(effectiveFrom).toISOString(),
      currency: input.currency,
      prices: input.prices,
      description: input.description ?? '',
    };
    await ctx.emit(events.pricePolicyCreated, data, { target: { id, name: region.name }, region: region.name });
    const policies = await regionPolicies(ctx, region.id);
    return policyView(policies.find((policy) => policy.id === id)!, region.name, policyAt(policies, ctx.services.clock.now().getTime()));
  },
  async describe(input, ctx) {
    const region = await regionRef(ctx.db, input.region);
    if (!ctx.access.unrestricted) {
      const tenants = (await ctx.access.tenantsAllowing('DESCRIBE_PRICE')) ?? [];
      const { rows } = await ctx.db.query('SELECT 1 FROM tenant_regions WHERE region_id = $1 AND tenant_id = ANY($2::uuid[])', [
        region.id,
        tenants.map((tenant) => tenant.id),
      ]);
      if (rows.length === 0) throw forbidden(`none of your tenants where you may see prices (DESCRIBE_PRICE) is active in region ${region.name}`);
    }
    const policies = await regionPolicies(ctx, region.id);
    const active = policyAt(policies, ctx.services.clock.now().getTime());
    return { items: policies.map((policy) => policyView(policy, region.name, active)) };
  },
  async delete(input, ctx) {
    const { rows } = await ctx.db.query<{ effectiveFrom: string; region: string }>(
      `SELECT p.effective_from AS "effectiveFrom", r.name AS region FROM price_policies p JOIN regions r ON r.id = p.region_id WHERE p.id = $1`,
      [input.id],
    );
    if (!rows[0]) throw notFound('price policy', input.id);
    if (Date.parse(rows[0].effectiveFrom) <= ctx.services.clock.now().getTime()) {
      throw invalidState('this policy is in force or was: prices of the past stay; add a new policy instead');
    }
    await ctx.emit(events.pricePolicyDeleted, { id: input.id }, { target: { id: input.id, name: rows[0].region }, region: rows[0].region });
    return { ok: true as const };
  },
};

export const billing: ManagerHandlers<Managers['billing']> = {
  async price(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const shape = await resolveShape(ctx, region, input);
    const image = input.image === undefined ? null : await resolveImage(ctx, tenant, region, input.image);
    const os = image ? (await ctx.db.query<{ os: string }>('SELECT os FROM images WHERE id = $1', [image.id])).rows[0]?.os ?? null : null;
    const spec: BillableSpec = { type: 'instance', ...shape, os, diskGb: input.diskGb ?? image?.minDiskGb ?? 0 };
    const policy = policyAt(await regionPolicies(ctx, region.id), ctx.services.clock.now().getTime());
    if (policy === null) {
      // No policy is no price, not a price of 0: the answer says so rather than quote zeros.
      return {
        region: region.name,
        policyId: null,
        currency: null,
        count: input.count,
        running: null,
        stopped: null,
        message:
          `no price policy is in force in region ${region.name}: it has no prices, and its usage is billed at 0 until one takes effect; ` +
          `an administrator adds one with \`maestro admin price-policy create --region ${region.name}\``,
      };
    }
    const rateOf = (state: 'running' | 'stopped') => {
      const monthly = monthlyPrice(policy.prices, spec, state) * input.count;
      return { hourly: round(perSecond(monthly) * 3600, 6), monthly: round(monthly, 2) };
    };
    return {
      region: region.name,
      policyId: policy.id,
      currency: policy.currency,
      count: input.count,
      running: rateOf('running'),
      stopped: rateOf('stopped'),
    };
  },
  async report(input, ctx) {
    // Reports count whole days: a time counts as the UTC day it falls in.
    const days = { from: utcDay(input.from), to: utcDay(input.to) };
    const report = await billingReport(ctx.db, { ...input, ...days, tenantIds: (await tenantsInView(ctx, input)).tenantIds });
    return {
      kind: input.kind,
      ...days,
      ...report,
      ...(input.format === 'csv' ? { csv: toCsv(report.columns, report.rows) } : {}),
    };
  },
  async run(_input, ctx) {
    const hours = await ctx.services.billing.catchUp();
    return { hours: hours.map(({ hour, billed, records }) => ({ hour, billed, records })) };
  },
};

