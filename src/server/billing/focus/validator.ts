import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import type { FocusColumn, Header } from './columns.js';
import { DAY_MS, MAX_CHARGE_DAYS } from './days.js';
import { accountKey, cloudOfProvider } from './providers.js';
import { parseTags, type TagSet } from './tags.js';
import { excerpt, isCurrencyCode, isStorable, parseDecimal, parseTimestamp } from './values.js';

/** One valid FOCUS row, as much of it as a daily tenant record needs. */
export interface LineItem {
  cloud: PublicBillingCloud;
  provider: string;
  /** SubAccountId as compared with mappings ('' when the charge has no sub-account). */
  account: string;
  accountName: string;
  billingPeriodStart: number;
  billingPeriodEnd: number;
  chargePeriodStart: number;
  chargePeriodEnd: number;
  effectiveCost: number;
  billedCost: number | null;
  currency: string;
  region: string;
  service: string;
  tags: TagSet;
}

/** What is wrong with a row: `reason` is the same for every row with the problem, `detail` names the value. */
export interface RowProblem {
  reason: string;
  detail?: string;
}

const MAX_NAME_CHARS = 256;

/** Checks every value a row contributes, and collects all that is wrong with it. */
export class RowValidator {
  constructor(private readonly header: Header) {}

  validate(fields: readonly string[]): LineItem | RowProblem[] {
    if (fields.length !== this.header.width) {
      return [
        { reason: 'the row does not have as many fields as the header', detail: `${fields.length} instead of ${this.header.width}` },
      ];
    }
    const problems: RowProblem[] = [];
    const { indexes, names } = this.header;
    const value = (column: FocusColumn) => (indexes[column] === -1 ? '' : fields[indexes[column]]!);
    const fail = (column: FocusColumn, problem: string, text?: string) =>
      problems.push(text === undefined ? { reason: `${names[column]} ${problem}` } : { reason: `${names[column]} ${problem}`, detail: `'${excerpt(text)}'` });

    const timestamp = (column: FocusColumn) => {
      const text = value(column);
      const ms = text === '' ? null : parseTimestamp(text);
      if (ms === null) fail(column, text === '' ? 'is empty' : 'is not an ISO 8601 date and time', text === '' ? undefined : text);
      return ms;
    };
    const decimal = (column: FocusColumn) => {
      const text = value(column);
      const number = text === '' ? null : parseDecimal(text);
      if (number === null) fail(column, text === '' ? 'is empty' : 'is not a number', text === '' ? undefined : text);
      return number;
    };
    const name = (column: FocusColumn, required: boolean) => {
      const text = value(column);
      if (required && text === '') fail(column, 'is empty');
      else if (text.length > MAX_NAME_CHARS) fail(column, `is longer than ${MAX_NAME_CHARS} characters`);
      else if (!isStorable(text)) fail(column, 'holds a NUL character', text);
      return text;
    };

    const billingPeriodStart = timestamp('billingPeriodStart');
    const billingPeriodEnd = timestamp('billingPeriodEnd');
    if (billingPeriodStart !== null && billingPeriodEnd !== null && billingPeriodEnd <= billingPeriodStart) {
      fail('billingPeriodEnd', 'is not after BillingPeriodStart', value('billingPeriodEnd'));
    }
    const chargePeriodStart = timestamp('chargePeriodStart');
    const chargePeriodEnd = timestamp('chargePeriodEnd');
    if (chargePeriodStart !== null && chargePeriodEnd !== null) {
      if (chargePeriodEnd < chargePeriodStart) fail('chargePeriodEnd', 'is before ChargePeriodStart', value('chargePeriodEnd'));
      else if (chargePeriodEnd - chargePeriodStart > MAX_CHARGE_DAYS * DAY_MS) fail('chargePeriodEnd', `is more than ${MAX_CHARGE_DAYS} days after ChargePeriodStart`);
    }
    const effectiveCost = decimal('effectiveCost');
    const billedCost = indexes.billedCost === -1 ? null : decimal('billedCost');
    const currency = value('billingCurrency');
    if (!isCurrencyCode(currency)) fail('billingCurrency', currency === '' ? 'is empty' : 'is not an ISO 4217 currency code', currency || undefined);
    const provider = value('provider');
    const cloud = cloudOfProvider(provider);
    if (cloud === undefined) {
      fail('provider', provider === '' ? 'is empty' : 'is not a provider Maestro imports (AWS, Microsoft, Google Cloud)', provider || undefined);
    }
    const account = name('subAccountId', false);
    const accountName = name('subAccountName', false);
    const service = name('serviceName', true);
    const region = name('regionId', false);
    const tags = parseTags(value('tags'));
    if (typeof tags === 'string') fail('tags', tags, value('tags'));

    if (problems.length > 0) return problems;
    return {
      cloud: cloud!,
      provider,
      account: accountKey(cloud!, account),
      accountName,
      billingPeriodStart: billingPeriodStart!,
      billingPeriodEnd: billingPeriodEnd!,
      chargePeriodStart: chargePeriodStart!,
      chargePeriodEnd: chargePeriodEnd!,
      effectiveCost: effectiveCost!,
      billedCost,
      currency,
      region,
      service,
      tags: tags as TagSet,
    };
  }
}
