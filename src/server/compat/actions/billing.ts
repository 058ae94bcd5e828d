import { z } from 'zod';
import { billableTypes } from '../../../protocol/billing.js';
import type { CloudKind } from '../../../protocol/clouds.js';
import { invalidInput } from '../../../protocol/errors.js';
import { defineAction, everyPage, type Commands } from '../action.js';
import { cloudParam, m3, wireParams } from '../params.js';
import { budgetParams, budgetRows, noPresignedUrls } from './quotas.js';

/**
 * Billing reports, prices and region types over `billing.report`, `pricePolicies.describe` and
 * `regions.describe`. The original's tenant group is a tenant here: Maestro reports one tenant
 * (or a customer), and adding up the reports of a group would be billing logic, not translation.
 */

const DAY = 86_400_000;
type Cell = string | number | null;
type ReportRow = Record<string, Cell>;

// Parameters shared by the reports.

/** `key=value`: records carrying that tag. */
const tagParam = () =>
  m3.text(512).transform((text, ctx) => {
    const at = text.indexOf('=');
    if (at < 1) {
      ctx.addIssue({ code: 'custom', message: `must be key=value (got ${JSON.stringify(text.slice(0, 64))})` });
      return z.NEVER;
    }
    return { key: text.slice(0, at), value: text.slice(at + 1) };
  });

/** The client's cloud names; clouds Maestro does not have match nothing. */
const cloudsParam = () => m3.list(20).pipe(z.array(cloudParam()));

const period = {
  from: m3.date().optional(),
  to: m3.date().optional(),
  year: m3.integer(2000, 9999).optional(),
  month: m3.integer(1, 12).optional(),
  day: m3.integer(1, 31).optional(),
};
const delivery = { reportFormat: m3.flag().optional(), URL: m3.flag().optional() };

interface Period {
  from?: string | undefined;
  to?: string | undefined;
  year?: number | undefined;
  month?: number | undefined;
  day?: number | undefined;
}

/** Whole UTC days: `from` and `to` as `billing.report` takes them (both inclusive), and the half-open bounds in ms. */
interface Days {
  from: string;
  to: string;
  billingPeriodStartDate: number;
  billingPeriodEndDate: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const daysOf = (start: number, end: number): Days => ({
  from: isoDay(start),
  to: isoDay(end - DAY),
  billingPeriodStartDate: start,
  billingPeriodEndDate: end,
});

/**
 * The period of a report: `from` and `to` (half-open: `to` is the start of the next period, as in
 * the protocol), or `year` and `month`, with `day` for one day. Reports count whole UTC days: a
 * time of day is taken as its day.
 */
function reportDays(params: Period, options: { needsDay?: boolean } = {}): Days {
  const { from, to, year, month, day } = params;
  const calendar = year !== undefined || month !== undefined || day !== undefined;
  if ((from !== undefined || to !== undefined) && calendar) {
    throw invalidInput('give the period either as from and to, or as year and month (and day), not both', { field: 'from' });
  }
  if (from !== undefined || to !== undefined) {
    if (from === undefined || to === undefined) throw invalidInput('give both from and to', { field: from === undefined ? 'from' : 'to' });
    const [start, end] = [Date.parse(from), Date.parse(to)];
    if (end <= start) {
      throw invalidInput('to must be after from: it is the start of the next period, which the report does not include', { field: 'to' });
    }
    return daysOf(dayStart(start), dayStart(end - 1) + DAY);
  }
  if (year === undefined || month === undefined || (options.needsDay && day === undefined)) {
    const calendarPart = options.needsDay ? 'year, month and day' : 'year and month (and day for one day)';
    const field = year === undefined ? 'year' : month === undefined ? 'month' : 'day';
    throw invalidInput(`give the period: from and to, or ${calendarPart}`, { field });
  }
  if (day === undefined) return daysOf(Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1));
  const start = Date.UTC(year, month - 1, day);
  if (new Date(start).getUTCDate() !== day) throw invalidInput(`${year}-${month}-${day} is not a day of the calendar`, { field: 'day' });
  return daysOf(start, start + DAY);
}

interface Common {
  tenantGroup?: string | undefined;
  tenant?: string | undefined;
  region?: string | undefined;
  reportFormat?: boolean | undefined;
  URL?: boolean | undefined;
  onlyAdjustments?: boolean | undefined;
}

/** The report's tenant, after refusing what this server cannot deliver. */
function reportTenant(params: Common): string {
  if (params.reportFormat === true) {
    throw invalidInput('this server does not e-mail reports: leave reportFormat out to get the report in the answer', { field: 'reportFormat' });
  }
  if (params.URL === true) throw noPresignedUrls();
  if (params.onlyAdjustments === true) {
    throw invalidInput('this server records no billing adjustments: there is no adjustment report', { field: 'onlyAdjustments' });
  }
  const { tenantGroup, tenant } = params;
  if (tenantGroup !== undefined && tenant !== undefined && tenantGroup.toUpperCase() !== tenant.toUpperCase()) {
    throw invalidInput('give tenantGroup or tenant, not two different ones', { field: 'tenant' });
  }
  const name = tenantGroup ?? tenant;
  if (name === undefined) throw invalidInput('give the tenant: tenantGroup (or tenant)', { field: 'tenantGroup' });
  return name;
}

const refuseTag = (tag: unknown, report: string) => {
  if (tag !== undefined) throw invalidInput(`this server cannot filter the ${report} report by tag; the total report can`, { field: 'tag' });
};

const wantedClouds = (clouds: (CloudKind | null)[] | undefined) => (clouds === undefined ? null : new Set(clouds.filter((c) => c !== null)));

/** Fields every report row carries. */
const rowBase = (tenant: string, days: Days, row: ReportRow) => ({
  projectCode: tenant.toUpperCase(),
  tenantName: tenant.toUpperCase(),
  billingPeriodStartDate: days.billingPeriodStartDate,
  billingPeriodEndDate: days.billingPeriodEndDate,
  productName: null as Cell,
  usageType: null as Cell,
  quantity: null as Cell,
  recordType: null,
  totalPrice: Number(row.cost),
  currencyCode: String(row.currency),
});

// The reports.

interface DailyParams extends Common, Period {
  tag?: { key: string; value: string } | undefined;
  clouds?: (CloudKind | null)[] | undefined;
}

/**
 * Total and subtotal: the daily tenant records summed by Maestro, per currency. With clouds, one
 * subtotal per cloud asked; with a tag (total only), the cost of the records carrying it.
 */
async function dailyRows(maestro: Commands, params: DailyParams, kind: 'total' | 'subtotal') {
  const tenant = reportTenant(params);
  const days = reportDays(params);
  if (kind === 'subtotal') refuseTag(params.tag, 'subtotal');
  if (params.tag !== undefined && params.clouds !== undefined) {
    throw invalidInput('give tag or clouds, not both: this server cannot filter by both at once', { field: 'tag' });
  }
  const input = { tenant, from: days.from, to: days.to, ...(params.region !== undefined ? { region: params.region } : {}) };
  const clouds = wantedClouds(params.clouds);
  let rows: { zone: Cell; row: ReportRow }[];
  if (params.tag !== undefined) {
    const { key, value } = params.tag;
    const report = await maestro.billing.report({ kind: 'tag', tagKey: key, ...input });
    rows = report.rows.filter((row) => row.tagValue === value).map((row) => ({ zone: input.region?.toUpperCase() ?? null, row }));
  } else if (clouds !== null) {
    const report = await maestro.billing.report({ kind: 'subtotal', by: 'cloud', ...input });
    rows = report.rows.filter((row) => clouds.has(row.cloud as CloudKind)).map((row) => ({ zone: row.cloud!, row }));
  } else if (kind === 'subtotal') {
    const report = await maestro.billing.report({ kind: 'subtotal', by: 'region', ...input });
    rows = report.rows.map((row) => ({ zone: row.region!, row }));
  } else {
    const report = await maestro.billing.report({ kind: 'total', ...input });
    rows = report.rows.map((row) => ({ zone: input.region?.toUpperCase() ?? null, row }));
  }
  const tag = params.tag ? { tag: `${params.tag.key}=${params.tag.value}` } : {};
  return rows.map(({ zone, row }) => ({ ...rowBase(tenant, days, row), zone, ...tag }));
}

/** 'All' (any case) or nothing: no filter. */
const isAll = (value: string | undefined) => value === undefined || value.toLowerCase() === 'all';

interface ResourceParams extends DailyParams {
  instanceIds?: string[] | undefined;
  instanceId?: string | undefined;
  productName?: string | undefined;
  usageType?: string | undefined;
  resourceType?: string | undefined;
}

const resourceTypes = ['All', ...billableTypes] as const;

/** Cost per resource from the private hourly records, filtered to the resources, type and clouds asked. */
async function resourceRows(maestro: Commands, params: ResourceParams) {
  const tenant = reportTenant(params);
  const days = reportDays(params);
  refuseTag(params.tag, 'resource');
  if (!isAll(params.productName)) {
    throw invalidInput('this server reports resources by resourceType, not by productName: leave productName out', { field: 'productName' });
  }
  if (!isAll(params.usageType)) throw invalidInput('this server has no usage types: leave usageType out', { field: 'usageType' });
  const resourceType = params.resourceType === undefined || isAll(params.resourceType) ? undefined : params.resourceType;
  const report = await maestro.billing.report({
    kind: 'resource',
    tenant,
    from: days.from,
    to: days.to,
    ...(params.region !== undefined ? { region: params.region } : {}),
    ...(resourceType !== undefined ? { resourceType: resourceType as (typeof billableTypes)[number] } : {}),
  });
  const ids = [...(params.instanceIds ?? []), ...(params.instanceId !== undefined ? [params.instanceId] : [])];
  const clouds = wantedClouds(params.clouds);
  const cloudOf = clouds === null ? null : new Map((await everyPage((page) => maestro.regions.describe(page))).map((r) => [r.name, r.cloud]));
  const wanted = (row: ReportRow) =>
    (ids.length === 0 || ids.includes(String(row.resourceId))) && (clouds === null || clouds.has(cloudOf!.get(String(row.region))!));
  return report.rows
    .filter(wanted)
    .map((row) => ({
      ...rowBase(tenant, days, row),
      zone: row.region,
      productName: row.resourceType,
      resourceId: row.resourceId,
      resourceName: row.name,
      quantity: row.billedHours,
      billedHours: row.billedHours,
    }));
}

interface HourlyParams extends Common, Period {
  date?: string | undefined;
  tag?: unknown;
  instanceId?: string | undefined;
}

/** Cost per hour of one day, every resource of the tenant together. */
async function hourlyRows(maestro: Commands, params: HourlyParams) {
  const tenant = reportTenant(params);
  refuseTag(params.tag, 'hourly');
  if (params.instanceId !== undefined) {
    throw invalidInput(
      "this server's hourly report covers the whole tenant, not one instance: leave instanceId out (the resource report has per-instance costs)",
      { field: 'instanceId' },
    );
  }
  if (params.date !== undefined && (params.year !== undefined || params.month !== undefined || params.day !== undefined)) {
    throw invalidInput('give date, or year, month and day, not both', { field: 'date' });
  }
  const days =
    params.date !== undefined
      ? reportDays({ from: params.date, to: new Date(dayStart(Date.parse(params.date)) + DAY).toISOString() })
      : reportDays(params, { needsDay: true });
  const report = await maestro.billing.report({
    kind: 'hourly',
    tenant,
    from: days.from,
    to: days.to,
    ...(params.region !== undefined ? { region: params.region } : {}),
  });
  return report.rows.map((row) => {
    const hour = Date.parse(String(row.hour));
    const zone = params.region?.toUpperCase() ?? null;
    return { ...rowBase(tenant, days, row), zone, hour, billingPeriodStartDate: hour, billingPeriodEndDate: hour + 3_600_000 };
  });
}

// The actions.

const reportTypes = ['total', 'subtotal', 'resource', 'hourly', 'budgets'] as const;
type ReportType = (typeof reportTypes)[number];

const notBudgets: readonly ReportType[] = ['total', 'subtotal', 'resource', 'hourly'];

/** Parameters of the `report` command (and total-report) that apply to some of its types only. */
const onlyFor: Record<string, readonly ReportType[]> = {
  instanceId: ['resource', 'hourly'],
  onlyAdjustments: ['total', 'subtotal'],
  clouds: ['total', 'subtotal', 'resource'],
  criteria: ['budgets'],
  compressEachQuota: ['budgets'],
  ...Object.fromEntries(['from', 'to', 'day', 'tag', 'reportFormat'].map((name) => [name, notBudgets])),
};

/** GET_TOTAL_BILLING_REPORT: total-report, and `report`, which names the kind of report in `types`. */
export const totalReport = defineAction({
  action: 'GET_TOTAL_BILLING_REPORT',
  params: wireParams({
    tenantGroup: m3.text(64),
    ...period,
    ...delivery,
    tag: tagParam().optional(),
    clouds: cloudsParam().optional(),
    region: m3.text(64).optional(),
    onlyAdjustments: m3.flag().optional(),
    types: m3.oneOf(reportTypes).optional(),
    instanceId: m3.text(128).optional(),
    criteria: budgetParams.criteria,
    compressEachQuota: budgetParams.compressEachQuota,
  }),
  async run(params, { maestro }) {
    const type = params.types ?? 'total';
    const misplaced = Object.keys(onlyFor).find((name) => params[name as keyof typeof params] !== undefined && !onlyFor[name]!.includes(type));
    if (misplaced !== undefined) {
      throw invalidInput(`${misplaced} applies to the report types ${onlyFor[misplaced]!.join(', ')}, not ${type}`, { field: misplaced });
    }
    switch (type) {
      case 'total':
      case 'subtotal':
        return dailyRows(maestro, params, type);
      case 'resource':
        return resourceRows(maestro, params);
      case 'hourly':
        return hourlyRows(maestro, params);
      case 'budgets': {
        const { year, month } = params;
        if (year === undefined || month === undefined) {
          throw invalidInput('the budgets report needs year and month', { field: year === undefined ? 'year' : 'month' });
        }
        return budgetRows(maestro, { ...params, year, month });
      }
    }
  },
});

export const subtotalReport = defineAction({
  action: 'GET_SUBTOTAL_BILLING_REPORT',
  params: wireParams({
    tenantGroup: m3.text(64),
    ...period,
    ...delivery,
    tag: tagParam().optional(),
    clouds: cloudsParam().optional(),
    region: m3.text(64).optional(),
    onlyAdjustments: m3.flag().optional(),
  }),
  run: (params, { maestro }) => dailyRows(maestro, params, 'subtotal'),
});

/**
 * GET_RESOURCE_BILLING_REPORT: resource-report (tenantGroup), cost-object-report and
 * untagged-resource-report (tenant). The flat parameters do not say which of the last two sent
 * them; both get the cost of every resource of the tenant.
 */
export const resourceReport = defineAction({
  action: 'GET_RESOURCE_BILLING_REPORT',
  params: wireParams({
    tenantGroup: m3.text(64).optional(),
    tenant: m3.text(64).optional(),
    ...period,
    ...delivery,
    tag: tagParam().optional(),
    clouds: cloudsParam().optional(),
    region: m3.text(64).optional(),
    instanceIds: m3.list(1000).optional(),
    productName: m3.text(128).optional(),
    usageType: m3.text(128).optional(),
    resourceType: m3.oneOf(resourceTypes).optional(),
  }),
  run: (params, { maestro }) => resourceRows(maestro, params),
});

export const hourlyReport = defineAction({
  action: 'GET_HOURLY_BILLING_REPORT',
  params: wireParams({
    tenantGroup: m3.text(64),
    date: m3.date().optional(),
    year: period.year,
    month: period.month,
    day: period.day,
    tag: tagParam().optional(),
    region: m3.text(64).optional(),
    instanceId: m3.text(128).optional(),
    URL: delivery.URL,
  }),
  run: (params, { maestro }) => hourlyRows(maestro, params),
});

/**
 * GET_PRICE_MODEL: the price policy in force now in a region (Maestro's prices are per region:
 * the original's DEFAULT policy), as its unit prices per month: a shape's own price, or CPU and
 * RAM; an OS's surcharge; root disk, volume, image and snapshot per GB.
 */
export const priceModel = defineAction({
  action: 'GET_PRICE_MODEL',
  params: wireParams({
    region: m3.text(64),
    from: m3.date().optional(),
    to: m3.date().optional(),
    policyType: m3.oneOf(['DEFAULT', 'PROJECT', 'PERSONAL']),
    inactive: m3.flag().optional(),
    shapeName: m3.text(32).optional(),
  }),
  async run(params, { maestro }) {
    if (params.policyType !== 'DEFAULT') {
      throw invalidInput(`this server has one price policy per region (DEFAULT), no ${params.policyType} prices`, { field: 'policyType' });
    }
    if (params.from !== undefined || params.to !== undefined) {
      throw invalidInput(
        'this server describes the price policy in force now; `maestro price-policy describe --region R` lists every policy with the time it takes effect',
        { field: params.from !== undefined ? 'from' : 'to' },
      );
    }
    if (params.inactive === true) {
      throw invalidInput(
        'this server prices a stopped instance by its root disk alone (systemStoragePrice, in every price model): leave inactive out',
        { field: 'inactive' },
      );
    }
    const { items } = await maestro.pricePolicies.describe({ region: params.region });
    const policy = items.find((p) => p.active) ?? null;
    const prices = policy?.prices ?? {};
    const instance = prices.instance;
    const shape = params.shapeName?.toUpperCase();
    const noRow = {
      osType: null,
      shape: null,
      initializationPrice: null,
      basePrice: null,
      vCoresPrice: null,
      memoryPrice: null,
      osPrice: null,
      systemStoragePrice: null,
      totalPrice: null,
    };
    const shapeRows = Object.entries(instance?.shapes ?? {})
      .filter(([name]) => shape === undefined || name.toUpperCase() === shape)
      .map(([name, price]) => ({ ...noRow, shape: name, basePrice: price, systemStoragePrice: instance!.perDiskGbMonth }));
    const instancePriceModel = instance
      ? [
          ...shapeRows,
          // Shapes without a price of their own cost their CPUs and RAM.
          ...(shape === undefined || shapeRows.length === 0
            ? [
                {
                  ...noRow,
                  shape: shape ?? null,
                  vCoresPrice: instance.perCpuMonth,
                  memoryPrice: instance.perRamGbMonth,
                  systemStoragePrice: instance.perDiskGbMonth,
                },
              ]
            : []),
          ...Object.entries(instance.os).map(([os, price]) => ({ ...noRow, osType: os, osPrice: price })),
        ]
      : [];
    // Volumes and snapshots cost the same attached or not, in use or not.
    const perGb = (entry: { perGbMonth: number } | undefined) => (entry ? [{ inactivePrice: entry.perGbMonth, activePrice: entry.perGbMonth }] : []);
    return {
      region: params.region.toUpperCase(),
      policyId: policy?.id ?? null,
      effectiveFrom: policy ? Date.parse(policy.effectiveFrom) : null,
      currencyCode: policy?.currency ?? null,
      pricePeriod: 'MONTH',
      instancePriceModel,
      storagePriceModel: perGb(prices.volume),
      machineImagePriceModel: prices.image ? [{ totalPrice: prices.image.perGbMonth }] : [],
      checkpointPriceModel: perGb(prices.snapshot),
      hardwarePriceModel: [],
      servicePriceModel: prices.service ? [{ perTenantMonth: prices.service.perTenantMonth }] : [],
    };
  },
});

/** GET_BILLING_REGION_TYPES: Maestro's regions by cloud. */
export const billingRegionTypes = defineAction({
  action: 'GET_BILLING_REGION_TYPES',
  params: wireParams({ all: m3.flag().optional() }),
  async run(params, { maestro }) {
    const regions = (await everyPage((page) => maestro.regions.describe(page))).filter(
      (region) => params.all === true || region.status === 'active',
    );
    const byCloud = new Map<string, string[]>();
    for (const region of regions) byCloud.set(region.cloud, [...(byCloud.get(region.cloud) ?? []), region.name]);
    return [...byCloud].sort(([a], [b]) => a.localeCompare(b)).map(([regionType, names]) => ({ regionType, regions: names }));
  },
});

export const billingActions = [totalReport, subtotalReport, resourceReport, hourlyReport, priceModel, billingRegionTypes];
