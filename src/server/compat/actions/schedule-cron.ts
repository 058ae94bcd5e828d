import { invalidInput } from '../../../protocol/errors.js';

/**
 * The cron expressions the published clients send, as Maestro's schedules read them. The clients
 * write Quartz expressions: seconds first, an optional year last, `?` for "no specific value",
 * and days of the week numbered 1-7 from Sunday (the Terraform provider's example is
 * `0 1 0 * * ? *`). Maestro's schedules take the five classic fields (minute hour day-of-month
 * month day-of-week, days numbered 0-6 from Sunday), which also understand `?`, `L`, `W` and
 * `#`. So a six- or seven-field expression loses its seconds and year and has its numbered days
 * moved down by one; what five fields cannot say (a second other than 0, a particular year) is
 * refused. Five fields are taken as they are.
 */
export function fiveFieldCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5) return fields.join(' ');
  if (fields.length !== 6 && fields.length !== 7) {
    throw invalid(
      expression,
      `it has ${fields.length} fields; give Quartz's six or seven (second minute hour day-of-month month day-of-week [year]) ` +
        'or the classic five (minute hour day-of-month month day-of-week)',
    );
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string, string?];
  if (!/^0{1,2}$/.test(second)) {
    throw invalid(expression, `Maestro's schedules run at whole minutes, so the seconds field must be 0 (got '${second}')`);
  }
  if (year !== undefined && year !== '*' && year !== '?') {
    throw invalid(expression, `Maestro's schedules repeat every year and cannot be limited to some years: give * as the year (got '${year}')`);
  }
  return [minute, hour, dayOfMonth, month, quartzDaysOfWeek(expression, dayOfWeek)].join(' ');
}

/** Quartz day numbers (1 = Sunday … 7 = Saturday) as classic cron's (0 … 6); step sizes and the n of `#n` stay. */
function quartzDaysOfWeek(expression: string, field: string): string {
  return field.replace(/(?<![/#\d])\d+/g, (digits) => {
    const day = Number(digits);
    if (day < 1 || day > 7) throw invalid(expression, `Quartz numbers the days of the week 1 (Sunday) to 7 (Saturday) (got ${digits}); names such as MON-FRI also work`);
    return String(day - 1);
  });
}

const invalid = (expression: string, why: string) => invalidInput(`cron '${expression}' cannot be used: ${why}`, { field: 'cron' });
