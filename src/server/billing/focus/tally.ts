import {
  REJECTIONS_IN_DETAIL,
  UNKNOWN_ACCOUNTS_IN_DETAIL,
  type BillingImportSummary,
  type PublicBillingCloud,
} from '../../../protocol/billing-import.js';
import { DecimalSum, decimalText } from '../../../domain/billing/decimal.js';
import { detached } from './csv.js';
import type { LineItem, RowProblem } from './validator.js';

/** A sub-account's billing period that an import covers, and so replaces. */
export interface AccountPeriod {
  cloud: PublicBillingCloud;
  account: string;
  billingPeriodStart: number;
}

/** A sub-account an import saw, mapped or not. */
export interface SeenAccount {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
}

interface UnknownAccount {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
  rows: number;
  costs: Map<string, DecimalSum>;
}

type Counted = Pick<BillingImportSummary, 'providers' | 'billingPeriods' | 'rows' | 'rejections' | 'rejectionsByReason' | 'unknownAccounts' | 'unknownAccountCount' | 'totals'>;

const MAX_REASONS = 50;
/** Every digit the file carried: a total must match the invoice to the last of them. */
const exact = (sum: DecimalSum) => decimalText(sum.value);
const iso = (ms: number) => new Date(ms).toISOString();

/** What an import saw, row by row: counts, problems, unknown sub-accounts, totals, and what it covers. */
export class ImportTally {
  #read = 0;
  #rejected = 0;
  #imported = 0;
  #unmapped = 0;
  readonly #rejections: { line: number; reason: string }[] = [];
  readonly #reasons = new Map<string, number>();
  readonly #providers = new Map<string, { provider: string; cloud: PublicBillingCloud; rows: number }>();
  readonly #periods = new Map<string, { cloud: PublicBillingCloud; start: number; end: number }>();
  readonly #unknown = new Map<string, UnknownAccount>();
  readonly #totals = new Map<string, { effectiveCost: DecimalSum; billedCost: DecimalSum | null }>();
  readonly #covered = new Map<string, AccountPeriod>();
  readonly #seen = new Map<string, SeenAccount>();

  rejected(line: number, problems: readonly RowProblem[]): void {
    this.#read++;
    this.#rejected++;
    if (this.#rejections.length < REJECTIONS_IN_DETAIL) {
      this.#rejections.push({ line, reason: problems.map((p) => (p.detail ? `${p.reason}: ${p.detail}` : p.reason)).join('; ') });
    }
    for (const { reason } of problems) {
      // Reasons are few (one per column and problem); the cap only guards against surprises.
      if (this.#reasons.has(reason) || this.#reasons.size < MAX_REASONS) this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
    }
  }

  /** A valid row of a sub-account mapped to no tenant: reported, not imported. */
  unmapped(item: LineItem): void {
    const key = this.#accepted(item);
    this.#unmapped++;
    let account = this.#unknown.get(key);
    if (!account) {
      account = { cloud: item.cloud, account: detached(item.account), name: detached(item.accountName), rows: 0, costs: new Map() };
      this.#unknown.set(key, account);
    }
    account.rows++;
    let cost = account.costs.get(item.currency);
    if (!cost) {
      cost = new DecimalSum();
      account.costs.set(detached(item.currency), cost);
    }
    cost.add(item.effectiveCost);
  }

  imported(item: LineItem): void {
    this.#accepted(item);
    this.#imported++;
    const key = `${item.cloud}\u0001${item.account}\u0001${item.billingPeriodStart}`;
    if (!this.#covered.has(key)) this.#covered.set(key, { cloud: item.cloud, account: detached(item.account), billingPeriodStart: item.billingPeriodStart });
    let totals = this.#totals.get(item.currency);
    if (!totals) {
      totals = { effectiveCost: new DecimalSum(), billedCost: null };
      this.#totals.set(detached(item.currency), totals);
    }
    totals.effectiveCost.add(item.effectiveCost);
    if (item.billedCost !== null) (totals.billedCost ??= new DecimalSum()).add(item.billedCost);
  }

  /** Counts an accepted row; returns its sub-account's key. */
  #accepted(item: LineItem): string {
    this.#read++;
    const account = `${item.cloud}\u0001${item.account}`;
    const seen = this.#seen.get(account);
    if (!seen) this.#seen.set(account, { cloud: item.cloud, account: detached(item.account), name: detached(item.accountName) });
    else if (seen.name === '' && item.accountName !== '') seen.name = detached(item.accountName);
    const provider = this.#providers.get(item.provider);
    if (provider) provider.rows++;
    else {
      const name = detached(item.provider);
      this.#providers.set(name, { provider: name, cloud: item.cloud, rows: 1 });
    }
    const period = `${item.cloud}\u0001${item.billingPeriodStart}\u0001${item.billingPeriodEnd}`;
    if (!this.#periods.has(period)) this.#periods.set(period, { cloud: item.cloud, start: item.billingPeriodStart, end: item.billingPeriodEnd });
    return account;
  }

  /** Every sub-account of the accepted rows, mapped or not, with the first SubAccountName given. */
  seenAccounts(): SeenAccount[] {
    return [...this.#seen.values()];
  }

  /** The row counts so far (what a running import reports as its progress). */
  rows(): BillingImportSummary['rows'] {
    return {
      read: this.#read,
      accepted: this.#imported + this.#unmapped,
      rejected: this.#rejected,
      imported: this.#imported,
      unmapped: this.#unmapped,
    };
  }

  /** The sub-account billing periods of the imported rows: what the import replaces. */
  covered(): AccountPeriod[] {
    return [...this.#covered.values()];
  }

  counted(): Counted {
    const unknown = [...this.#unknown.values()].sort((a, b) => b.rows - a.rows || a.account.localeCompare(b.account));
    return {
      providers: [...this.#providers.values()],
      billingPeriods: [...this.#periods.values()]
        .sort((a, b) => a.start - b.start || a.cloud.localeCompare(b.cloud))
        .map((p) => ({ cloud: p.cloud, start: iso(p.start), end: iso(p.end) })),
      rows: this.rows(),
      rejections: this.#rejections,
      rejectionsByReason: [...this.#reasons].map(([reason, rows]) => ({ reason, rows })).sort((a, b) => b.rows - a.rows),
      unknownAccounts: unknown.slice(0, UNKNOWN_ACCOUNTS_IN_DETAIL).map((a) => ({
        cloud: a.cloud,
        account: a.account,
        name: a.name,
        rows: a.rows,
        costs: [...a.costs].map(([currency, cost]) => ({ currency, cost: exact(cost) })),
      })),
      unknownAccountCount: unknown.length,
      totals: [...this.#totals].map(([currency, t]) => ({
        currency,
        effectiveCost: exact(t.effectiveCost),
        billedCost: t.billedCost === null ? null : exact(t.billedCost),
      })),
    };
  }
}
