import { Cron, type CronOptions } from 'croner';
import type { InstanceState } from '../protocol/compute.js';
import { invalidInput, type ErrorKind } from '../protocol/errors.js';
import type { EventReason } from '../protocol/events.js';
import type { ExecutionOutcome, ScheduleAction } from '../protocol/schedules.js';
import { refusal } from './instance-lifecycle.js';

/**
 * The rules of instance schedules, without I/O: reading a cron expression in a time zone, the
 * due times it gives, which one a scheduler pass runs, and what an execution does to an
 * instance in a given state.
 *
 * Daylight saving time (croner's rules, with `fixedTimeRule: 'no-wildcard'`, close to Vixie cron):
 * - A fixed-time schedule (minute and hour fields without `*` or a step: `30 2 * * *`,
 *   `0 8,20 * * 1-5`) runs once per matching local time. A local time the clocks skip (02:30 on
 *   the spring-forward night) runs at the first valid time after the gap (03:00 local); a local
 *   time that occurs twice (01:30 on the fall-back night) runs at its first occurrence only.
 * - An interval schedule (`*` or a step in the minute or hour field: `*\/15 * * * *`) follows
 *   the clock on the wall as it is: nothing runs in the skipped hour, and the repeated hour runs
 *   twice, so the interval in real time stays the same.
 */

/** Instances a schedule picks by tag: those carrying `key` (with `value`, or any value when null). */
export interface TagSelector {
  key: string;
  value: string | null;
}

export const sameSelector = (a: TagSelector, b: TagSelector): boolean => a.key === b.key && a.value === b.value;

export interface ScheduleTiming {
  cron: string;
  timeZone: string;
}

/** The CADF reason of everything an execution records, and of the instance commands it calls. */
export const SCHEDULE_REASON_TYPE = 'maestro/schedule';

export const scheduleReason = (scheduleId: string): EventReason => ({ reasonType: SCHEDULE_REASON_TYPE, reasonCode: scheduleId });

const cronOptions = (timeZone: string): CronOptions => ({
  timezone: timeZone,
  mode: '5-part',
  fixedTimeRule: 'no-wildcard',
  // Day of month and day of week combine with OR, as in every classic cron.
  domAndDow: false,
});

const compiled = new Map<string, Cron>();

/** Parsing costs more than matching, and a scheduler pass asks about the same schedules again and again. */
function cronOf({ cron, timeZone }: ScheduleTiming): Cron {
  const key = `${timeZone}\u0000${cron}`;
  let job = compiled.get(key);
  if (!job) {
    if (compiled.size >= 1000) compiled.clear();
    job = new Cron(cron, cronOptions(timeZone));
    compiled.set(key, job);
  }
  return job;
}

/** The canonical IANA name of a time zone ('europe/berlin' → 'Europe/Berlin'), or null when there is none. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Checks a schedule's cron expression and time zone as a user gave them, and returns them as
 * stored (the time zone's canonical name). Refuses expressions that never come due after `now`.
 */
export function parseTiming(cron: string, timeZone: string, now: Date): ScheduleTiming {
  const zone = canonicalTimeZone(timeZone);
  if (zone === null) {
    throw invalidInput(`timeZone '${timeZone}' is not an IANA time zone; give one such as UTC, Europe/Berlin or America/New_York`, {
      field: 'timeZone',
    });
  }
  const timing = { cron: cron.trim().replace(/\s+/g, ' '), timeZone: zone };
  let next: Date | null;
  try {
    next = nextDue(timing, now);
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    throw invalidInput(`cron '${cron}' is not a cron expression: ${reason}; give five fields: minute hour day-of-month month day-of-week`, {
      field: 'cron',
    });
  }
  if (next === null) throw invalidInput(`cron '${cron}' never comes due; check the day of month and month`, { field: 'cron' });
  return timing;
}

/** The first due time strictly after `after`, or null when there is none. */
export function nextDue(timing: ScheduleTiming, after: Date): Date | null {
  return cronOf(timing).nextRun(after);
}

/** Every due time in (from, to], oldest first. */
export function dueBetween(timing: ScheduleTiming, from: Date, to: Date): Date[] {
  const due: Date[] = [];
  for (let next = nextDue(timing, from); next !== null && next <= to; next = nextDue(timing, next)) due.push(next);
  return due;
}

/**
 * The due time a scheduler pass at `now` executes, if any: the latest one after `since` (the
 * last due time executed, or when the schedule was created, enabled or given a new timing), as
 * long as it is at most `graceMs` old. After downtime the older missed ones are not run, and
 * neither is the latest once it is older than the grace window: a schedule never runs in a burst.
 */
export function dueToRun(timing: ScheduleTiming, since: Date, now: Date, graceMs: number): Date | null {
  const from = new Date(Math.max(since.getTime(), now.getTime() - graceMs));
  return dueBetween(timing, from, now).at(-1) ?? null;
}

export type ScheduledStep = { kind: 'act' } | { kind: 'skip'; why: string };

/**
 * What an execution does to one instance: call the action, or skip it when the instance's state
 * (or termination protection) does not allow it. A skip is not an error: stopping a stopped
 * instance has nothing to do. Instances between states are skipped too: the due time has come.
 */
export function scheduledStep(action: ScheduleAction, instance: { state: InstanceState; terminationProtection: boolean }): ScheduledStep {
  if (action === 'terminate' && instance.terminationProtection) return { kind: 'skip', why: 'termination protection is on' };
  const problem = refusal(action, instance.state);
  // Only the fact: the advice that follows it ("wait until it settles") is for someone at a prompt.
  return problem === null ? { kind: 'act' } : { kind: 'skip', why: problem.split(';')[0]! };
}

/**
 * How an instance command that failed counts in an execution: the instance's state moved on
 * (a skip, as above), the creator may no longer do it (permission, licence, quota: refused), or
 * anything else (the cloud, Maestro: failed).
 */
export function outcomeOfError(kind: ErrorKind): Exclude<ExecutionOutcome, 'done'> {
  if (kind === 'invalid_state') return 'skipped';
  if (kind === 'forbidden' || kind === 'license' || kind === 'limit_exceeded') return 'refused';
  return 'failed';
}
