import { invalidInput } from '../../../protocol/errors.js';
import { m3 } from '../params.js';

/** Report periods as the published clients give them, and as whole UTC days for `billing.report`. */
export const DAY = 86_400_000;

export const period = {
  from: m3.date().optional(),
  to: m3.date().optional(),
  year: m3.integer(2000, 9999).optional(),
  month: m3.integer(1, 12).optional(),
  day: m3.integer(1, 31).optional(),
};

export interface Period {
  from?: string | undefined;
  to?: string | undefined;
  year?: number | undefined;
  month?: number | undefined;
  day?: number | undefined;
}

/** Whole UTC days: `from` and `to` as `billing.report` takes them (both inclusive), and the half-open bounds in ms. */
export interface Days {
  from: string;
  to: string;
  billingPeriodStartDate: number;
  billingPeriodEndDate: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const daysOf = (start: number, end: number): Days => ({
  from: isoDay(start),
  to: isoDay(end - DAY),
  billingPeriodStartDate: start,
  billingPeriodEndDate: end,
});

/**
 * The period of a report: `from` and `to` (half-open: `to` is the start of the next period, as in
 * the protocol), or `year` and `month`, with `day` for one day. Reports count whole UTC days: a
 * time of day is taken as its day.
 */
export function reportDays(params: Period, options: { needsDay?: boolean } = {}): Days {
  const { from, to, year, month, day } = params;
  const calendar = year !== undefined || month !== undefined || day !== undefined;
  if ((from !== undefined || to !== undefined) && calendar) {
    throw invalidInput('give the period either as from and to, or as year and month (and day), not both', { field: 'from' });
  }
  if (from !== undefined || to !== undefined) {
    if (from === undefined || to === undefined) throw invalidInput('give both from and to', { field: from === undefined ? 'from' : 'to' });
    const [start, end] = [Date.parse(from), Date.parse(to)];
    if (end <= start) {
      throw invalidInput('to must be after from: it is the start of the next period, which the report does not include', { field: 'to' });
    }
    return daysOf(dayStart(start), dayStart(end - 1) + DAY);
  }
  if (year === undefined || month === undefined || (options.needsDay && day === undefined)) {
    const calendarPart = options.needsDay ? 'year, month and day' : 'year and month (and day for one day)';
    const field = year === undefined ? 'year' : month === undefined ? 'month' : 'day';
    throw invalidInput(`give the period: from and to, or ${calendarPart}`, { field });
  }
  if (day === undefined) return daysOf(Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1));
  const start = Date.UTC(year, month - 1, day);
  if (new Date(start).getUTCDate() !== day) throw invalidInput(`${year}-${month}-${day} is not a day of the calendar`, { field: 'day' });
  return daysOf(start, start + DAY);
}
