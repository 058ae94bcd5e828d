import { DecimalSum, type Decimal } from '../../../domain/billing/decimal.js';
import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import { detached } from './csv.js';
import { DAY_MS, dayOf, spreadOverDays } from './days.js';
import type { LineItem } from './validator.js';

/**
 * One day's cost of a sub-account in one billing period, by region, service, tag set and
 * currency: what an import contributes to a tenant's daily records, and what a later import of
 * the same sub-account and billing period replaces.
 */
export interface DailyCost {
  tenantId: string;
  cloud: PublicBillingCloud;
  account: string;
  billingPeriodStart: number;
  day: number;
  region: string;
  service: string;
  tagsKey: string;
  currency: string;
  /** Summed exactly, as the file wrote each cost. */
  cost: DecimalSum;
}

/**
 * Sums line items into daily costs as they are read. Memory grows with the distinct
 * (sub-account, day, region, service, tag set) combinations, not with the rows: an hourly
 * export has some thousand rows for each of them.
 */
export class DailyCostAggregator {
  readonly #costs = new Map<string, DailyCost>();

  add(item: LineItem, tenantId: string): void {
    const prefix = `${item.cloud}\u0001${item.account}\u0001${item.billingPeriodStart}\u0001${item.region}\u0001${item.service}\u0001${item.tags.key}\u0001${item.currency}\u0001`;
    const { chargePeriodStart: start, chargePeriodEnd: end } = item;
    const day = dayOf(start);
    // Most rows are hourly or daily: one day, no spreading.
    if (end <= day + DAY_MS) this.#addShare(prefix, item, tenantId, day, item.effectiveCost);
    else spreadOverDays(start, end, item.effectiveCost, (each, share) => this.#addShare(prefix, item, tenantId, each, share));
  }

  #addShare(prefix: string, item: LineItem, tenantId: string, day: number, share: Decimal): void {
    const key = prefix + day;
    const entry = this.#costs.get(key);
    if (entry) {
      entry.cost.add(share);
      return;
    }
    const cost = new DecimalSum();
    cost.add(share);
    this.#costs.set(key, {
      tenantId,
      cloud: item.cloud,
      account: detached(item.account),
      billingPeriodStart: item.billingPeriodStart,
      day,
      region: detached(item.region),
      service: detached(item.service),
      tagsKey: item.tags.key,
      currency: detached(item.currency),
      cost,
    });
  }

  get size(): number {
    return this.#costs.size;
  }

  values(): IterableIterator<DailyCost> {
    return this.#costs.values();
  }
}
