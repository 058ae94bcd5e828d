import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailure, MAX_BACKOFF_MS, retryDelayMs } from '../../src/server/jobs/backoff.js';
import { checkSchedule, describeSchedule, latestDue, nextDue } from '../../src/server/jobs/schedule.js';
import { AppError } from '../../src/protocol/errors.js';

const at = (iso: string) => new Date(iso);

describe('retry back-off', () => {
  it('doubles from the base with each attempt, up to the ceiling', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, 10_000)), [10_000, 20_000, 40_000, 80_000, 160_000]);
    assert.equal(retryDelayMs(30, 10_000), MAX_BACKOFF_MS);
    assert.equal(retryDelayMs(3, 100, 250), 250);
  });

  it('sends a failed attempt back to the queue until the attempts are spent, then fails the job', () => {
    const now = at('2026-03-01T12:00:00Z');
    assert.deepEqual(afterFailure({ attempts: 1, maxAttempts: 3, backoffMs: 1000 }, now), { status: 'pending', runAt: at('2026-03-01T12:00:01Z') });
    assert.deepEqual(afterFailure({ attempts: 2, maxAttempts: 3, backoffMs: 1000 }, now), { status: 'pending', runAt: at('2026-03-01T12:00:02Z') });
    assert.deepEqual(afterFailure({ attempts: 3, maxAttempts: 3, backoffMs: 1000 }, now), { status: 'failed' });
    // A payload that can never be valid fails at once.
    assert.deepEqual(afterFailure({ attempts: 1, maxAttempts: 3, backoffMs: 1000 }, now, false), { status: 'failed' });
  });
});

describe('due times of recurring jobs', () => {
  it('reads cron expressions in their time zone, across a daylight saving change', () => {
    const daily = { cron: '0 3 * * *', timeZone: 'Europe/Berlin' };
    // 29 March 2026: Berlin moves from UTC+1 to UTC+2 at 02:00 local.
    assert.deepEqual(latestDue(daily, at('2026-03-29T00:30:00Z')), at('2026-03-28T02:00:00Z'));
    assert.deepEqual(nextDue(daily, at('2026-03-29T00:30:00Z')), at('2026-03-29T01:00:00Z'));
    assert.deepEqual(latestDue(daily, at('2026-03-29T01:00:00Z')), at('2026-03-29T01:00:00Z'), 'a due time equal to now is due');
    assert.deepEqual(nextDue(daily, at('2026-03-29T01:00:00Z')), at('2026-03-30T01:00:00Z'), 'the next is strictly later');
  });

  it('takes six fields as seconds first', () => {
    const every10s = { cron: '*/10 * * * * *', timeZone: 'UTC' };
    assert.deepEqual(latestDue(every10s, at('2026-01-01T00:00:19.999Z')), at('2026-01-01T00:00:10Z'));
    assert.deepEqual(nextDue(every10s, at('2026-01-01T00:00:10Z')), at('2026-01-01T00:00:20Z'));
  });

  it('counts fixed intervals from the epoch, so every node computes the same due times', () => {
    const every30min = { everyMs: 30 * 60_000 };
    assert.deepEqual(latestDue(every30min, at('2026-03-01T12:44:59Z')), at('2026-03-01T12:30:00Z'));
    assert.deepEqual(nextDue(every30min, at('2026-03-01T12:30:00Z')), at('2026-03-01T13:00:00Z'));
    assert.deepEqual(latestDue({ everyMs: 1000 }, at('2026-03-01T12:00:00.999Z')), at('2026-03-01T12:00:00Z'));
  });

  it('refuses expressions, time zones and intervals it cannot use, as invalid input', () => {
    for (const bad of [{ cron: '61 * * * *', timeZone: 'UTC' }, { cron: '0 3 * * *', timeZone: 'Mars/Olympus' }, { everyMs: 5 }, { everyMs: 1.5 }]) {
      assert.throws(() => checkSchedule(bad), (error: unknown) => error instanceof AppError && error.kind === 'invalid_input', JSON.stringify(bad));
    }
  });

  it('describes schedules for administrators', () => {
    assert.equal(describeSchedule({ cron: '30 * * * *', timeZone: 'UTC' }), '30 * * * * (UTC)');
    assert.equal(describeSchedule({ everyMs: 30 * 60_000 }), 'every 30 min');
    assert.equal(describeSchedule({ everyMs: 2 * 3_600_000 }), 'every 2 h');
    assert.equal(describeSchedule({ everyMs: 1500 }), 'every 1500 ms');
  });
});
