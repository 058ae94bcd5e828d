import { z } from 'zod';
import { DecimalSum, decimalText, parseDecimal, round, type Decimal } from '../../../domain/billing/decimal.js';
import { AppError, invalidInput } from '../../../protocol/errors.js';
import { m3 } from '../params.js';
import { cloudsParam, resourceTypes } from './billing-rows.js';
import { given, onceEach } from './nested-params.js';

/**
 * The billing reports as the command-line client's plugins send them: what the report is about
 * nested in `target` (tenant group or tenant, clouds, region …) with a `reportUnit` naming it, the
 * period as `from` and `to` in milliseconds, and `reportFormat` JSON, EMAIL or S3. Such a request
 * is answered as the original server answers it, `{records, grandTotal, currencyCode}`, which the
 * plugins turn into their tables (they fail on a bare list); the flat form keeps its list of rows.
 */

const reportUnits = [
  'TENANT',
  'TENANT_AND_CLOUD',
  'TENANT_GROUP',
  'TENANT_GROUP_AND_CLOUD',
  'TENANT_AND_RESOURCES',
  'TENANT_AND_RESOURCES_UNTAGGED',
] as const;
export type ReportUnit = (typeof reportUnits)[number];

const target = z.strictObject({
  reportUnit: m3.oneOf(reportUnits),
  tenant: m3.text(64).optional(),
  tenantGroup: m3.text(64).optional(),
  // The plugins send an empty list for "every cloud".
  clouds: cloudsParam()
    .transform((clouds) => (clouds.length > 0 ? clouds : undefined))
    .optional(),
  region: m3.text(64).optional(),
  onlyAdjustments: m3.flag().optional(),
  productName: m3.text(128).optional(),
  usageType: m3.text(128).optional(),
  resourceType: m3.oneOf(resourceTypes).optional(),
});
type Target = z.output<typeof target>;
type TargetFields = Omit<Target, 'reportUnit'>;
const targetFields = Object.keys(target.shape).filter((name) => name !== 'reportUnit');

export const targetParams = {
  target: target.optional(),
  // Set by the plugins for regions billed in a native currency; Maestro keeps every record in the currency it was billed in.
  nativeCurrency: m3.flag().optional(),
};

/** Checks that no field comes both inside `target` and beside it. */
export const targetOnce = onceEach('target', targetFields);

/** What each kind of report takes in `target`. */
const reports = {
  daily: { units: ['TENANT', 'TENANT_AND_CLOUD', 'TENANT_GROUP', 'TENANT_GROUP_AND_CLOUD'], fields: ['tenant', 'tenantGroup', 'clouds', 'region', 'onlyAdjustments'] },
  resource: {
    units: ['TENANT', 'TENANT_AND_CLOUD', 'TENANT_GROUP', 'TENANT_GROUP_AND_CLOUD', 'TENANT_AND_RESOURCES', 'TENANT_AND_RESOURCES_UNTAGGED'],
    fields: ['tenant', 'tenantGroup', 'clouds', 'region', 'productName', 'usageType', 'resourceType'],
  },
  hourly: { units: ['TENANT', 'TENANT_GROUP'], fields: ['tenant', 'tenantGroup', 'region'] },
} as const satisfies Record<string, { units: readonly ReportUnit[]; fields: readonly string[] }>;

type Format = 'JSON' | 'EMAIL' | 'S3';

/**
 * The parameters with the target's brought up beside the others, and the report unit (null for
 * the flat form). The command-line client asks for resource and hourly reports by e-mail whatever
 * the user types (its plugins set EMAIL unless --url): those are answered in the answer instead,
 * which the client prints; an e-mail asked for explicitly elsewhere is still refused.
 */
export function untarget<P extends { target?: Target | undefined; nativeCurrency?: boolean | undefined; reportFormat?: Format | undefined }>(
  params: P,
  report: keyof typeof reports,
) {
  const { units, fields } = reports[report];
  const unit = params.target?.reportUnit ?? null;
  if (unit !== null && !(units as readonly string[]).includes(unit)) {
    throw invalidInput(`reportUnit ${unit} is not a unit of this report; it takes ${units.join(', ')}`, { field: 'target' });
  }
  const misplaced = Object.keys(params.target ?? {}).find((name) => name !== 'reportUnit' && !(fields as readonly string[]).includes(name));
  if (misplaced !== undefined) throw invalidInput(`target.${misplaced} does not apply to this report`, { field: 'target' });
  const { target: nested, nativeCurrency: _sameCurrency, ...rest } = params;
  const { reportUnit: _unit, ...inside } = given(nested);
  const emailByDefault = unit !== null && report !== 'daily' && params.reportFormat === 'EMAIL';
  return {
    ...rest,
    ...(inside as TargetFields),
    reportFormat: emailByDefault ? undefined : params.reportFormat,
    unit,
  };
}

interface ReportRow {
  totalPrice: number;
  currencyCode: string;
}

/**
 * A row's price as the decimal it was: `billing.report` gives exact decimal text, which the rows
 * carry as a number for the client; such a number (at most ten places) prints back as that text.
 */
function exactly(price: number): Decimal {
  const amount = parseDecimal(String(price));
  if (amount === null) throw new AppError('internal', `a report row's price ${price} is no decimal`);
  return amount;
}

/** The rows as the flat form lists them, or in the original's report object for a `target` request. */
export function reportAnswer<R extends ReportRow>(rows: R[], unit: ReportUnit | null) {
  if (unit === null) return rows;
  // Summed exactly and rounded once, to the cent the client shows: rows of a fraction of a cent
  // count, and the grand total is the one the other reports of the period give.
  const totals = new Map<string, DecimalSum>();
  for (const row of rows) {
    let total = totals.get(row.currencyCode);
    if (!total) totals.set(row.currencyCode, (total = new DecimalSum()));
    total.add(exactly(row.totalPrice));
  }
  const cents = (total: DecimalSum) => Number(decimalText(round(total.value, 2)));
  if (totals.size > 1) {
    // One grand total would add up different currencies: the client shows this message instead.
    const each = [...totals].map(([currency, total]) => `${currency} ${cents(total)}`).join(', ');
    return { records: rows, grandTotal: null, currencyCode: null, message: `the records are in several currencies, with no grand total: ${each}` };
  }
  const [currency] = [...totals.keys()];
  const grandTotal = currency === undefined ? 0 : cents(totals.get(currency)!);
  // Some of the client's report plugins tabulate the records only for a non-zero grand total and
  // print the message otherwise: without one, a period that cost nothing printed a bare currency.
  const exact = currency === undefined ? '0' : decimalText(totals.get(currency)!.value);
  const message =
    rows.length === 0
      ? 'there are no billing records for this report'
      : grandTotal === 0
        ? `the ${rows.length} records of this report come to ${exact} ${currency}, 0 to the cent`
        : null;
  return { records: rows, grandTotal, currencyCode: currency ?? null, ...(message !== null ? { message } : {}) };
}
