import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * FOCUS cost and usage files written from the specification's column list (FOCUS 1.0
 * mandatory and common conditional columns, in its alphabetical order), for tests and benches.
 */
export const focusColumns = [
  'AvailabilityZone',
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'ListUnitPrice',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'SkuId',
  'SkuPriceId',
  'SubAccountId',
  'SubAccountName',
  'Tags',
] as const;
export type FocusColumnName = (typeof focusColumns)[number];
export type FocusRow = Partial<Record<FocusColumnName, string>>;

/** A plausible AWS usage row: an hour of a virtual machine on 1 March 2026. */
export const baseRow: Readonly<Record<FocusColumnName, string>> = {
  AvailabilityZone: 'eu-west-1a',
  BilledCost: '0.5',
  BillingAccountId: '999999999999',
  BillingAccountName: 'Payer',
  BillingCurrency: 'USD',
  BillingPeriodEnd: '2026-04-01T00:00:00Z',
  BillingPeriodStart: '2026-03-01T00:00:00Z',
  ChargeCategory: 'Usage',
  ChargeClass: '',
  ChargeDescription: 'Linux on-demand instance hour',
  ChargeFrequency: 'Usage-Based',
  ChargePeriodEnd: '2026-03-01T01:00:00Z',
  ChargePeriodStart: '2026-03-01T00:00:00Z',
  ConsumedQuantity: '1',
  ConsumedUnit: 'Hours',
  ContractedCost: '0.5',
  ContractedUnitPrice: '0.5',
  EffectiveCost: '0.5',
  InvoiceIssuerName: 'Amazon Web Services',
  ListCost: '0.5',
  ListUnitPrice: '0.5',
  PricingCategory: 'Standard',
  PricingQuantity: '1',
  PricingUnit: 'Hours',
  ProviderName: 'AWS',
  PublisherName: 'Amazon Web Services',
  RegionId: 'eu-west-1',
  RegionName: 'Europe (Ireland)',
  ResourceId: 'i-0123456789abcdef0',
  ResourceName: 'web-1',
  ResourceType: 'Instance',
  ServiceCategory: 'Compute',
  ServiceName: 'Amazon Elastic Compute Cloud',
  SkuId: 'SKU1',
  SkuPriceId: 'SKU1.PRICE',
  SubAccountId: '111111111111',
  SubAccountName: 'Development',
  Tags: '{"env":"dev"}',
};

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const csvLine = (fields: readonly string[], eol = '\n') => fields.map(csvField).join(',') + eol;

/** A FOCUS file's text: the header and each row (the base row with its overrides). */
export function focusCsv(rows: readonly FocusRow[], options: { columns?: readonly string[]; eol?: string } = {}): string {
  const columns = options.columns ?? focusColumns;
  const eol = options.eol ?? '\n';
  return (
    csvLine(columns, eol) +
    rows.map((row) => csvLine(columns.map((column) => (row as Record<string, string>)[column] ?? (baseRow as Record<string, string>)[column] ?? ''), eol)).join('')
  );
}

/** Writes the text, gzipped when the name ends in .gz. */
export function writeFocusFile(path: string, text: string): string {
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}
