import { invalidInput } from '../../../protocol/errors.js';
import { defineAction } from '../action.js';
import { m3, wireParams } from '../params.js';
import { period } from './billing-period.js';
import { cloudsParam, dailyRows, delivery, hourlyRows, resourceRows, resourceTypes, tagParam } from './billing-rows.js';
import { billingRegionTypes, priceModel } from './price-model.js';
import { budgetParams, budgetRows } from './quotas.js';

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

export const billingActions = [totalReport, subtotalReport, resourceReport, hourlyReport, priceModel, billingRegionTypes];
