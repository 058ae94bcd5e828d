import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import type { FocusColumn, Header } from './columns.js';
import { DAY_MS, MAX_CHARGE_DAYS } from './days.js';
import { accountKey, cloudOfProvider } from './providers.js';
import { parseTags, type TagSet } from './tags.js';
import { excerpt, isCurrencyCode, isStorable, MAX_AMOUNT, parseDecimal, parseTimestamp } from './values.js';

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

/**
 * Checks every value a row contributes, and collects all that is wrong with it. One validator
 * checks each row in turn (no closures per row: a million rows make that count).
 */
export class RowValidator {
  #fields: readonly string[] = [];
  #problems: RowProblem[] | null = null;

  constructor(private readonly header: Header) {}

  validate(fields: readonly string[]): LineItem | RowProblem[] {
    if (fields.length !== this.header.width) {
      return [
        { reason: 'the row does not have as many fields as the header', detail: `${fields.length} instead of ${this.header.width}` },
      ];
    }
    this.#fields = fields;
    this.#problems = null;

    const billingPeriodStart = this.#timestamp('billingPeriodStart');
    const billingPeriodEnd = this.#timestamp('billingPeriodEnd');
    if (billingPeriodStart !== null && billingPeriodEnd !== null && billingPeriodEnd <= billingPeriodStart) {
      this.#fail('billingPeriodEnd', 'is not after BillingPeriodStart', this.#value('billingPeriodEnd'));
    }
    const chargePeriodStart = this.#timestamp('chargePeriodStart');
    const chargePeriodEnd = this.#timestamp('chargePeriodEnd');
    if (chargePeriodStart !== null && chargePeriodEnd !== null) {
      if (chargePeriodEnd < chargePeriodStart) this.#fail('chargePeriodEnd', 'is before ChargePeriodStart', this.#value('chargePeriodEnd'));
      else if (chargePeriodEnd - chargePeriodStart > MAX_CHARGE_DAYS * DAY_MS) {
        this.#fail('chargePeriodEnd', `is more than ${MAX_CHARGE_DAYS} days after ChargePeriodStart`);
      }
    }
    const effectiveCost = this.#decimal('effectiveCost');
    const billedCost = this.header.indexes.billedCost === -1 ? null : this.#decimal('billedCost');
    const currency = this.#value('billingCurrency');
    if (!isCurrencyCode(currency)) this.#fail('billingCurrency', currency === '' ? 'is empty' : 'is not an ISO 4217 currency code', currency);
    const provider = this.#value('provider');
    const cloud = cloudOfProvider(provider);
    if (cloud === undefined) {
      this.#fail('provider', provider === '' ? 'is empty' : 'is not a provider Maestro imports (AWS, Microsoft, Google Cloud, Oracle)', provider);
    }
    const account = this.#name('subAccountId', false);
    const accountName = this.#name('subAccountName', false);
    const service = this.#name('serviceName', true);
    const region = this.#name('regionId', false);
    const tags = parseTags(this.#value('tags'));
    if (typeof tags === 'string') this.#fail('tags', tags, this.#value('tags'));

    if (this.#problems !== null) return this.#problems;
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

  #value(column: FocusColumn): string {
    const index = this.header.indexes[column];
    return index === -1 ? '' : this.#fields[index]!;
  }

  /** Notes a problem; `text`, when not empty, is quoted in the detail. */
  #fail(column: FocusColumn, problem: string, text = ''): void {
    const reason = `${this.header.names[column]} ${problem}`;
    (this.#problems ??= []).push(text === '' ? { reason } : { reason, detail: `'${excerpt(text)}'` });
  }

  #timestamp(column: FocusColumn): number | null {
    const text = this.#value(column);
    const ms = text === '' ? null : parseTimestamp(text);
    if (ms === null) this.#fail(column, text === '' ? 'is empty' : 'is not an ISO 8601 date and time', text);
    return ms;
  }

  #decimal(column: FocusColumn): number | null {
    const text = this.#value(column);
    const number = text === '' ? null : parseDecimal(text);
    if (number === null) this.#fail(column, text === '' ? 'is empty' : 'is not a number', text);
    else if (Math.abs(number) > MAX_AMOUNT) this.#fail(column, 'is beyond ±10^12', text);
    else return number;
    return null;
  }

  #name(column: FocusColumn, required: boolean): string {
    const text = this.#value(column);
    if (required && text === '') this.#fail(column, 'is empty');
    else if (text.length > MAX_NAME_CHARS) this.#fail(column, `is longer than ${MAX_NAME_CHARS} characters`);
    else if (!isStorable(text)) this.#fail(column, 'holds a NUL character', text);
    return text;
  }
}
