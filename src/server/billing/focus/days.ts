import { add, share, subtract, ZERO, type Decimal } from '../../../domain/billing/decimal.js';

export const DAY_MS = 86_400_000;

/** The longest charge period spread over days; a longer one is rejected as implausible. */
export const MAX_CHARGE_DAYS = 366;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Places a day's share is cut to, at least: two more than numeric(24, 10) keeps, so that the
 * rounding of the day's sum when it is stored, not this cut, decides the tenth place.
 */
const SHARE_SCALE = 12;

/**
 * Spreads a cost over the UTC days its charge period [start, end) touches, in proportion to the
 * time it spends in each (an hourly row lands in one day, a monthly one spreads evenly over the
 * month). The last day takes what the others left, so the shares add up to the cost exactly.
 * A period of no length (a one-time charge at an instant) lands on its day.
 */
export function spreadOverDays(start: number, end: number, cost: Decimal, each: (day: number, share: Decimal) => void): void {
  const first = dayOf(start);
  if (end - start <= 0 || end <= first + DAY_MS) {
    each(first, cost);
    return;
  }
  const length = end - start;
  let given: Decimal = ZERO;
  for (let day = first; day < end; day += DAY_MS) {
    if (day + DAY_MS >= end) {
      each(day, subtract(cost, given));
      return;
    }
    const part = share(cost, day + DAY_MS - Math.max(start, day), length, SHARE_SCALE);
    given = add(given, part);
    each(day, part);
  }
}
