import { z } from 'zod';
import { billableTypes } from '../../../protocol/billing.js';
import type { CloudKind } from '../../../protocol/clouds.js';
import type { Region } from '../../../protocol/commands/organisation-schemas.js';
import { invalidInput } from '../../../protocol/errors.js';
import type { Commands } from '../action.js';
import { answersTo, regionsByName } from '../client-clouds.js';
import { cloudParam, m3 } from '../params.js';
import { DAY, dayStart, reportDays, type Days, type Period } from './billing-period.js';
import { noPresignedUrls } from './budgets.js';

/**
 * The rows of the billing reports, from `billing.report`. The original's tenant group is a tenant
 * here: Maestro reports one tenant (or a customer), and adding up the reports of a group would be
 * billing logic, not translation.
 */
type Cell = string | number | null;
type ReportRow = Record<string, Cell>;

// Parameters shared by the reports.

/** `key=value`: records carrying that tag. */
export const tagParam = () =>
  m3.text(512).transform((text, ctx) => {
    const at = text.indexOf('=');
    if (at < 1) {
      ctx.addIssue({ code: 'custom', message: `must be key=value (got ${JSON.stringify(text.slice(0, 64))})` });
      return z.NEVER;
    }
    return { key: text.slice(0, at), value: text.slice(at + 1) };
  });

/** The client's cloud names; clouds Maestro does not have match nothing. */
export const cloudsParam = () => m3.list(20).pipe(z.array(cloudParam()));

/**
 * How to deliver the report: the flag (true: by e-mail), or JSON (in the answer), EMAIL or S3 as
 * the command-line client's plugins send it.
 */
const reportFormat = () =>
  z.union([m3.flag().transform((email) => (email ? 'EMAIL' : 'JSON')), m3.oneOf(['JSON', 'EMAIL', 'S3'])], {
    error: 'must be true or false, or one of JSON, EMAIL, S3',
  });

export const delivery = { reportFormat: reportFormat().optional(), URL: m3.flag().optional() };

export interface Common {
  tenantGroup?: string | undefined;
  tenant?: string | undefined;
  region?: string | undefined;
  reportFormat?: 'JSON' | 'EMAIL' | 'S3' | undefined;
  URL?: boolean | undefined;
  onlyAdjustments?: boolean | undefined;
}

/** The report's tenant, after refusing what this server cannot deliver. */
export function reportTenant(params: Common): string {
  if (params.reportFormat === 'EMAIL') {
    throw invalidInput('this server does not e-mail reports: leave reportFormat out to get the report in the answer', { field: 'reportFormat' });
  }
  if (params.URL === true || params.reportFormat === 'S3') throw noPresignedUrls();
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

export const refuseTag = (tag: unknown, report: string) => {
  if (tag !== undefined) throw invalidInput(`this server cannot filter the ${report} report by tag; the total report can`, { field: 'tag' });
};

const wantedClouds = (clouds: (CloudKind | null)[] | undefined) => (clouds === undefined ? null : new Set(clouds.filter((c) => c !== null)));

/** Fields every report row carries. */
export const rowBase = (tenant: string, days: Days, row: ReportRow) => ({
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

export interface DailyParams extends Common, Period {
  tag?: { key: string; value: string } | undefined;
  clouds?: (CloudKind | null)[] | undefined;
}

/**
 * Total and subtotal: the daily tenant records summed by Maestro, per currency. With clouds, one
 * subtotal per cloud asked; with a tag (total only), the cost of the records carrying it.
 */
export async function dailyRows(maestro: Commands, params: DailyParams, kind: 'total' | 'subtotal') {
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
    // A simulated cloud's records count for the clouds its regions imitate too, shown under the name asked.
    const imitated = new Set([...(await regionsByName(maestro)).values()].filter((r) => r.cloud === 'SIMULATED').map((r) => r.clientCloud));
    const asked = (row: ReportRow) =>
      clouds.has(row.cloud as CloudKind) ? row.cloud : row.cloud === 'SIMULATED' ? [...clouds].find((c) => imitated.has(c)) : undefined;
    rows = report.rows.flatMap((row) => {
      const zone = asked(row);
      return zone === undefined ? [] : [{ zone, row }];
    });
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

export interface ResourceParams extends DailyParams {
  instanceIds?: string[] | undefined;
  instanceId?: string | undefined;
  productName?: string | undefined;
  usageType?: string | undefined;
  resourceType?: string | undefined;
}

export const resourceTypes = ['All', ...billableTypes] as const;

/** Cost per resource from the private hourly records, filtered to the resources, type and clouds asked. */
export async function resourceRows(maestro: Commands, params: ResourceParams) {
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
  const regions = clouds === null ? null : await regionsByName(maestro);
  const inCloudAsked = (region: Region | undefined) => region !== undefined && [...clouds!].some((cloud) => answersTo(region, cloud));
  const wanted = (row: ReportRow) =>
    (ids.length === 0 || ids.includes(String(row.resourceId))) && (regions === null || inCloudAsked(regions.get(String(row.region))));
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

export interface HourlyParams extends Common, Period {
  date?: string | undefined;
  tag?: unknown;
  instanceId?: string | undefined;
}

/** Cost per hour of one day, every resource of the tenant together. */
export async function hourlyRows(maestro: Commands, params: HourlyParams) {
  const tenant = reportTenant(params);
  refuseTag(params.tag, 'hourly');
  if (params.instanceId !== undefined) {
    throw invalidInput(
      "this server's hourly report covers the whole tenant, not one instance: leave instanceId out (the resource report has per-instance costs)",
      { field: 'instanceId' },
    );
  }
  if (params.date !== undefined && [params.year, params.month, params.day, params.from, params.to].some((value) => value !== undefined)) {
    throw invalidInput('give date, or year, month and day (or from and to), not both', { field: 'date' });
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
