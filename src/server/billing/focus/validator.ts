import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import type { Decimal } from '../../../domain/billing/decimal.js';
import { focusColumns, type FocusColumn, type Header } from './columns.js';
import { DAY_MS, MAX_CHARGE_DAYS } from './days.js';
import { accountKey, cloudOfProvider } from './providers.js';
import { parseTags, type TagSet } from './tags.js';
import { excerpt, isCurrencyCode, isStorable, parseAmount, parseTimestamp } from './values.js';

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
  effectiveCost: Decimal;
  billedCost: Decimal | null;
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

/** How exports write a null where they do not leave the field empty (Spark, Athena, BigQuery writers). */
const isNullLiteral = (text: string) => text.length === 4 && text.toUpperCase() === 'NULL';

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
    const currency = this.#text('billingCurrency');
    if (currency !== null && !isCurrencyCode(currency)) {
      this.#fail('billingCurrency', currency === '' ? 'is empty' : 'is not an ISO 4217 currency code', currency);
    }
    const provider = this.#text('provider');
    const cloud = provider === null ? undefined : cloudOfProvider(provider);
    if (provider !== null && cloud === undefined) {
      this.#fail('provider', provider === '' ? 'is empty' : 'is not a provider Maestro imports (AWS, Microsoft, Google Cloud, Oracle)', provider);
    }
    const account = this.#name('subAccountId', false);
    const accountName = this.#name('subAccountName', false);
    const service = this.#name('serviceName', true);
    const region = this.#name('regionId', false);
    const tagsText = this.#text('tags') ?? '';
    const tags = parseTags(tagsText);
    if (typeof tags === 'string') this.#fail('tags', tags, tagsText);

    if (this.#problems !== null) return this.#problems;
    return {
      cloud: cloud!,
      provider: provider!,
      account: accountKey(cloud!, account),
      accountName,
      billingPeriodStart: billingPeriodStart!,
      billingPeriodEnd: billingPeriodEnd!,
      chargePeriodStart: chargePeriodStart!,
      chargePeriodEnd: chargePeriodEnd!,
      effectiveCost: effectiveCost!,
      billedCost,
      currency: currency!,
      region,
      service,
      tags: tags as TagSet,
    };
  }

  #value(column: FocusColumn): string {
    const index = this.header.indexes[column];
    return index === -1 ? '' : this.#fields[index]!;
  }

  /**
   * The column's text, with FOCUS nulls read: '' when the file lacks the column or the row has no
   * value (empty, or NULL where FOCUS allows a null); null when it is NULL where FOCUS does not,
   * which is the row's problem, noted here.
   */
  #text(column: FocusColumn): string | null {
    const text = this.#value(column);
    if (!isNullLiteral(text)) return text;
    if (focusColumns[column].nullable) return '';
    this.#fail(column, 'is NULL, which FOCUS does not allow in this column');
    return null;
  }

  /** Notes a problem; `text`, when not empty, is quoted in the detail. */
  #fail(column: FocusColumn, problem: string, text = ''): void {
    const reason = `${this.header.names[column]} ${problem}`;
    (this.#problems ??= []).push(text === '' ? { reason } : { reason, detail: `'${excerpt(text)}'` });
  }

  #timestamp(column: FocusColumn): number | null {
    const text = this.#text(column);
    if (text === null) return null;
    const ms = text === '' ? null : parseTimestamp(text);
    if (ms === null) this.#fail(column, text === '' ? 'is empty' : 'is not an ISO 8601 date and time', text);
    return ms;
  }

  #decimal(column: FocusColumn): Decimal | null {
    const text = this.#text(column);
    if (text === null) return null;
    if (text === '') {
      this.#fail(column, 'is empty');
      return null;
    }
    const amount = parseAmount(text);
    if (typeof amount !== 'string') return amount;
    this.#fail(column, amount, text);
    return null;
  }

  #name(column: FocusColumn, required: boolean): string {
    const text = this.#text(column);
    if (text === null) return '';
    if (required && text === '') this.#fail(column, 'is empty');
    else if (text.length > MAX_NAME_CHARS) this.#fail(column, `is longer than ${MAX_NAME_CHARS} characters`);
    else if (!isStorable(text)) this.#fail(column, 'holds a NUL character', text);
    return text;
  }
}
