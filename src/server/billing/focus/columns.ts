import { invalidInput } from '../../../protocol/errors.js';

/**
 * The FOCUS columns an import reads, by their Column ID in the specification (1.0 and later;
 * 1.3 renamed ProviderName to ServiceProviderName, so either names the provider). Mandatory
 * here means what a daily tenant record cannot do without; a file lacking one is refused as a
 * whole. Every other column of the file (ChargeCategory, ResourceId, …) is ignored.
 *
 * EffectiveCost is the cost recorded: the amortised cost, in which a prepaid commitment is
 * spread over the usage it covers and the purchase itself counts 0, so a tenant's days carry
 * what they consumed without counting a purchase twice. BilledCost (the invoice's cash view) is
 * only summed into the import's totals, to compare with the invoice.
 *
 * Nullable is the column's "Allows nulls" in the FOCUS 1.0 column definitions: a charge that
 * belongs to no sub-account, no region or carries no tags has null there. Exports write a null
 * as an empty field or as the literal NULL (Spark, Athena and BigQuery writers), both of which
 * then mean "no value"; in a column that allows no null, either refuses the row.
 */
export const focusColumns = {
  billingPeriodStart: { ids: ['BillingPeriodStart'], mandatory: true, nullable: false },
  billingPeriodEnd: { ids: ['BillingPeriodEnd'], mandatory: true, nullable: false },
  chargePeriodStart: { ids: ['ChargePeriodStart'], mandatory: true, nullable: false },
  chargePeriodEnd: { ids: ['ChargePeriodEnd'], mandatory: true, nullable: false },
  effectiveCost: { ids: ['EffectiveCost'], mandatory: true, nullable: false },
  billingCurrency: { ids: ['BillingCurrency'], mandatory: true, nullable: false },
  provider: { ids: ['ProviderName', 'ServiceProviderName'], mandatory: true, nullable: false },
  subAccountId: { ids: ['SubAccountId'], mandatory: true, nullable: true },
  serviceName: { ids: ['ServiceName'], mandatory: true, nullable: false },
  billedCost: { ids: ['BilledCost'], mandatory: false, nullable: false },
  subAccountName: { ids: ['SubAccountName'], mandatory: false, nullable: true },
  regionId: { ids: ['RegionId'], mandatory: false, nullable: true },
  tags: { ids: ['Tags'], mandatory: false, nullable: true },
} as const satisfies Record<string, { ids: readonly string[]; mandatory: boolean; nullable: boolean }>;

export type FocusColumn = keyof typeof focusColumns;

/** Where each column is in a row; -1 for an optional column the file lacks. */
export type ColumnIndexes = Readonly<Record<FocusColumn, number>>;

/** The display name of a column, as the file's header spells it. */
export type ColumnNames = Readonly<Record<FocusColumn, string>>;

export interface Header {
  indexes: ColumnIndexes;
  names: ColumnNames;
  width: number;
}

/** Reads the header row; refuses a file without a mandatory column or with one twice. */
export function resolveHeader(header: readonly string[]): Header {
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  const indexes: Partial<Record<FocusColumn, number>> = {};
  const names: Partial<Record<FocusColumn, string>> = {};
  const missing: string[] = [];
  for (const [column, spec] of Object.entries(focusColumns) as [FocusColumn, (typeof focusColumns)[FocusColumn]][]) {
    const id = spec.ids.find((candidate) => positions.has(candidate.toLowerCase()));
    const found = id === undefined ? undefined : positions.get(id.toLowerCase())!;
    if (found && found.length > 1) throw notFocusFile(`its header names the column ${id} ${found.length} times`);
    if (!found && spec.mandatory) missing.push(spec.ids.join(' or '));
    indexes[column] = found ? found[0]! : -1;
    names[column] = id ?? spec.ids[0];
  }
  if (missing.length > 0) {
    const shown = header.slice(0, 12).map((name) => name.slice(0, 40)).join(', ');
    throw notFocusFile(
      `it lacks the mandatory FOCUS column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `its first line has ${header.length} column${header.length === 1 ? '' : 's'}: ${shown}${header.length > 12 ? ', …' : ''}`,
    );
  }
  return { indexes: indexes as ColumnIndexes, names: names as ColumnNames, width: header.length };
}

/** The whole file is refused: nothing of it is imported. */
export const notFocusFile = (problem: string) =>
  invalidInput(`not a FOCUS cost and usage file: ${problem}. Nothing was imported`, { field: 'path' });
