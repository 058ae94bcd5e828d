export const DAY_MS = 86_400_000;

/** The longest charge period spread over days; a longer one is rejected as implausible. */
export const MAX_CHARGE_DAYS = 366;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Spreads a cost over the UTC days its charge period [start, end) touches, in proportion to the
 * time it spends in each (an hourly row lands in one day, a monthly one spreads evenly over the
 * month). The last day takes what rounding left, so the shares add up to the cost exactly.
 * A period of no length (a one-time charge at an instant) lands on its day.
 */
export function spreadOverDays(start: number, end: number, cost: number, each: (day: number, share: number) => void): void {
  const first = dayOf(start);
  if (end - start <= 0 || end <= first + DAY_MS) {
    each(first, cost);
    return;
  }
  const length = end - start;
  let given = 0;
  for (let day = first; day < end; day += DAY_MS) {
    if (day + DAY_MS >= end) {
      each(day, cost - given);
      return;
    }
    const share = (cost * (day + DAY_MS - Math.max(start, day))) / length;
    given += share;
    each(day, share);
  }
}
