import { invalidInput } from '../../../protocol/errors.js';
import type { Commands } from '../action.js';
import { reportDays } from './billing-period.js';
import { refuseTag, reportTenant, rowBase, type DailyParams } from './billing-rows.js';

/**
 * untagged-resource-report (reportUnit TENANT_AND_RESOURCES_UNTAGGED): what the tenant's
 * untagged resources cost, from `billing.report` by tag, whose row without a tag key is the cost
 * of the records that carried no tag. Maestro's per-resource records do not say whether the
 * resource was tagged, so this is one row per currency, not one per resource.
 */
export async function untaggedRows(maestro: Commands, params: DailyParams) {
  const tenant = reportTenant(params);
  const days = reportDays(params);
  refuseTag(params.tag, 'untagged resource');
  if (params.clouds !== undefined) {
    throw invalidInput('this server cannot split the cost of untagged resources by cloud: give region instead of clouds', { field: 'clouds' });
  }
  const region = params.region?.toUpperCase() ?? null;
  const report = await maestro.billing.report({
    kind: 'tag',
    tenant,
    from: days.from,
    to: days.to,
    ...(region !== null ? { region } : {}),
  });
  return report.rows.filter((row) => row.tagKey === null).map((row) => ({ ...rowBase(tenant, days, row), zone: region, untagged: true }));
}
