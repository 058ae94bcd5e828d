import { Cron } from 'croner';
import { invalidInput } from '../../protocol/errors.js';

/**
 * When a recurring job is due: a cron expression read in a time zone (five fields, or six with
 * seconds first), or a fixed interval counted from the Unix epoch. Counting from the epoch makes
 * every node compute the same due times, which is what lets them agree on one job per due time.
 */
export type Schedule = { cron: string; timeZone: string } | { everyMs: number };

const parsed = new Map<string, Cron>();

function cronOf(schedule: { cron: string; timeZone: string }): Cron {
  const key = `${schedule.timeZone}\u0000${schedule.cron}`;
  let cron = parsed.get(key);
  if (!cron) {
    // Without a callback croner only computes dates: no timers.
    cron = new Cron(schedule.cron, { timezone: schedule.timeZone });
    parsed.set(key, cron);
  }
  return cron;
}

/** Refuses an expression croner cannot read, an unknown time zone, an interval under 10 ms. */
export function checkSchedule(schedule: Schedule): Schedule {
  if ('everyMs' in schedule) {
    if (!Number.isInteger(schedule.everyMs) || schedule.everyMs < 10) {
      throw invalidInput(`a recurring interval must be a whole number of milliseconds, at least 10 (got ${schedule.everyMs})`);
    }
    return schedule;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: schedule.timeZone });
  } catch {
    throw invalidInput(`unknown time zone '${schedule.timeZone}': use an IANA name such as Europe/Berlin or UTC`);
  }
  try {
    cronOf(schedule);
  } catch (error) {
    throw invalidInput(`invalid cron expression '${schedule.cron}': ${(error as Error).message}`);
  }
  return schedule;
}

/** The latest due time at or before `now`, or null when there was none. */
export function latestDue(schedule: Schedule, now: Date): Date | null {
  if ('everyMs' in schedule) return new Date(Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs);
  // croner's previous runs are strictly before the reference: a due time equal to now counts too.
  return cronOf(schedule).previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The first due time strictly after `after`, or null when there is none (a cron that ends). */
export function nextDue(schedule: Schedule, after: Date): Date | null {
  if ('everyMs' in schedule) return new Date((Math.floor(after.getTime() / schedule.everyMs) + 1) * schedule.everyMs);
  return cronOf(schedule).nextRun(after);
}

/** How an administrator reads it: `0 * * * * (UTC)`, `every 30 min`. */
export function describeSchedule(schedule: Schedule): string {
  if ('cron' in schedule) return `${schedule.cron} (${schedule.timeZone})`;
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([ms]) => schedule.everyMs % ms === 0) ?? [1, 'ms'];
  return `every ${schedule.everyMs / size} ${unit}`;
}
