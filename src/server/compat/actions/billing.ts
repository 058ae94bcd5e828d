import { invalidInput } from '../../../protocol/errors.js';
import { clientDate, defineAction } from '../action.js';
import { m3, wireParams } from '../params.js';
import { period } from './billing-period.js';
import { cloudsParam, dailyRows, delivery, hourlyRows, resourceRows, resourceTypes, tagParam } from './billing-rows.js';
import { reportAnswer, targetOnce, targetParams, untarget } from './billing-target.js';
import { untaggedRows } from './billing-untagged.js';
import { budgetParams, budgetRows } from './budgets.js';
import { billingRegionTypes, priceModel } from './price-model.js';

/** The billing report actions; the rows come from `billing.report` (billing-rows.ts). */
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

/** What the daily and resource reports all take: the tenant (beside or in `target`), the period, a tag, clouds, a region. */
const reportParams = {
  tenantGroup: m3.text(64).optional(),
  ...targetParams,
  ...period,
  ...delivery,
  tag: tagParam().optional(),
  clouds: cloudsParam().optional(),
  region: m3.text(64).optional(),
};

/**
 * GET_TOTAL_BILLING_REPORT: total-report, and `report`, which names the kind of report in `types`.
 * The tenant group is required, but the command-line client sends it in `target` (billing-target.ts).
 */
export const totalReport = defineAction({
  action: 'GET_TOTAL_BILLING_REPORT',
  params: wireParams({
    ...reportParams,
    onlyAdjustments: m3.flag().optional(),
    types: m3.oneOf(reportTypes).optional(),
    instanceId: m3.text(128).optional(),
    criteria: budgetParams.criteria,
    compressEachQuota: budgetParams.compressEachQuota,
  }).superRefine(targetOnce),
  async run(wire, { maestro }) {
    const type = wire.types ?? 'total';
    const params = untarget(wire, type === 'resource' || type === 'hourly' ? type : 'daily');
    const misplaced = Object.keys(onlyFor).find((name) => params[name as keyof typeof params] !== undefined && !onlyFor[name]!.includes(type));
    if (misplaced !== undefined) {
      throw invalidInput(`${misplaced} applies to the report types ${onlyFor[misplaced]!.join(', ')}, not ${type}`, { field: misplaced });
    }
    switch (type) {
      case 'total':
      case 'subtotal':
        return reportAnswer(await dailyRows(maestro, params, type), params.unit);
      case 'resource':
        return reportAnswer(await resourceRows(maestro, params), params.unit);
      case 'hourly':
        return reportAnswer(await hourlyRows(maestro, params), params.unit);
      case 'budgets': {
        const { year, month, tenantGroup } = params;
        if (year === undefined || month === undefined) {
          throw invalidInput('the budgets report needs year and month', { field: year === undefined ? 'year' : 'month' });
        }
        if (tenantGroup === undefined) throw invalidInput('give the tenant: tenantGroup', { field: 'tenantGroup' });
        return budgetRows(maestro, { ...params, tenant: tenantGroup, year, month });
      }
    }
  },
});

export const subtotalReport = defineAction({
  action: 'GET_SUBTOTAL_BILLING_REPORT',
  params: wireParams({
    ...reportParams,
    onlyAdjustments: m3.flag().optional(),
  }).superRefine(targetOnce),
  async run(wire, { maestro }) {
    const params = untarget(wire, 'daily');
    return reportAnswer(await dailyRows(maestro, params, 'subtotal'), params.unit);
  },
});

/**
 * GET_RESOURCE_BILLING_REPORT: resource-report (tenantGroup), cost-object-report and
 * untagged-resource-report (tenant). The flat parameters do not say which of the last two sent
 * them, and get the cost of every resource of the tenant; the command-line client says it in
 * target.reportUnit, and its untagged-resource-report gets the cost of the untagged resources.
 */
export const resourceReport = defineAction({
  action: 'GET_RESOURCE_BILLING_REPORT',
  params: wireParams({
    ...reportParams,
    tenant: m3.text(64).optional(),
    instanceIds: m3.list(1000).optional(),
    productName: m3.text(128).optional(),
    usageType: m3.text(128).optional(),
    resourceType: m3.oneOf(resourceTypes).optional(),
  }).superRefine(targetOnce),
  async run(wire, { maestro }) {
    const params = untarget(wire, 'resource');
    if (params.unit === 'TENANT_AND_RESOURCES_UNTAGGED') return reportAnswer(await untaggedRows(maestro, params), params.unit);
    return reportAnswer(await resourceRows(maestro, params), params.unit);
  },
});

/** GET_HOURLY_BILLING_REPORT: the command-line client sends the day as from and to, and reportFormat, beside the reference's date. */
export const hourlyReport = defineAction({
  action: 'GET_HOURLY_BILLING_REPORT',
  params: wireParams({
    tenantGroup: m3.text(64).optional(),
    ...targetParams,
    date: m3.date().optional(),
    ...period,
    tag: tagParam().optional(),
    region: m3.text(64).optional(),
    instanceId: m3.text(128).optional(),
    ...delivery,
  }).superRefine(targetOnce),
  async run(wire, { maestro }) {
    const params = untarget(wire, 'hourly');
    const rows = await hourlyRows(maestro, params);
    const answer = reportAnswer(rows, params.unit);
    if (Array.isArray(answer) || rows.length === 0) return answer;
    return { ...answer, message: hourlyText(rows, answer) };
  },
});

/**
 * The records as text: the command-line client's table view of this command has no columns and
 * prints only an answer's `message`, so without it a user saw the records with --json alone.
 */
function hourlyText(rows: readonly { hour: number; totalPrice: number; currencyCode: string }[], answer: { grandTotal: number | null; currencyCode: string | null; message?: string }) {
  const lines = rows.map((row) => `${clientDate(new Date(row.hour).toISOString()).slice(0, 16)}  ${row.totalPrice.toFixed(4).padStart(12)} ${row.currencyCode}`);
  const total = answer.grandTotal === null ? answer.message! : `grand total ${answer.grandTotal} ${answer.currencyCode}`;
  return ['hour (UTC)              price', ...lines, total].join('\n');
}

export const billingActions = [totalReport, subtotalReport, resourceReport, hourlyReport, priceModel, billingRegionTypes];
