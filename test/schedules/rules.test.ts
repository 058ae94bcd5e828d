import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueBetween, dueToRun, nextDue, outcomeOfError, parseTiming, scheduledStep, type ScheduleTiming } from '../../src/domain/schedules.js';
import { AppError } from '../../src/protocol/errors.js';

const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);
const isos = (dates: Date[]) => dates.map((date) => date.toISOString());
const between = (timing: ScheduleTiming, from: string, to: string) => isos(dueBetween(timing, at(from), at(to)));
const berlin = (cron: string): ScheduleTiming => ({ cron, timeZone: 'Europe/Berlin' });
const newYork = (cron: string): ScheduleTiming => ({ cron, timeZone: 'America/New_York' });

describe('schedule due times', () => {
  it('gives the next due time strictly after an instant, in the time zone', () => {
    const nine = { cron: '0 9 * * *', timeZone: 'UTC' };
    assert.equal(nextDue(nine, at('2026-01-01T08:59:59.999Z'))!.toISOString(), '2026-01-01T09:00:00.000Z');
    assert.equal(nextDue(nine, at('2026-01-01T09:00:00.000Z'))!.toISOString(), '2026-01-02T09:00:00.000Z');
    // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
    assert.equal(nextDue(berlin('0 9 * * *'), at('2026-01-01T00:00:00Z'))!.toISOString(), '2026-01-01T08:00:00.000Z');
    assert.equal(nextDue(berlin('0 9 * * *'), at('2026-07-01T00:00:00Z'))!.toISOString(), '2026-07-01T07:00:00.000Z');
    // Weekdays only: Friday 2 January 2026, then Monday 5 January.
    assert.deepEqual(between({ cron: '0 20 * * 1-5', timeZone: 'UTC' }, '2026-01-02T00:00:00Z', '2026-01-06T00:00:00Z'), [
      '2026-01-02T20:00:00.000Z',
      '2026-01-05T20:00:00.000Z',
    ]);
  });

  describe('across daylight saving time', () => {
    it('runs a 02:30 Berlin schedule once on the spring-forward night, when the clocks reach 03:00', () => {
      // 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
      assert.deepEqual(between(berlin('30 2 * * *'), '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'), [
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first time after the gap
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
      ]);
    });

    it('runs a 02:30 Berlin schedule once on the fall-back night, at the first 02:30', () => {
      // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
      assert.deepEqual(between(berlin('30 2 * * *'), '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'), [
        '2026-10-24T00:30:00.000Z',
        '2026-10-25T00:30:00.000Z', // 02:30 CEST; not again at 01:30Z (02:30 CET)
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('runs a 01:30 New York schedule once on the fall-back day, and a 02:30 one at 03:00 on the spring-forward day', () => {
      // 1 November 2026: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
      assert.deepEqual(between(newYork('30 1 * * *'), '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'), [
        '2026-10-31T05:30:00.000Z',
        '2026-11-01T05:30:00.000Z', // 01:30 EDT; not again at 06:30Z (01:30 EST)
        '2026-11-02T06:30:00.000Z',
      ]);
      // Asked from within the repeated hour (01:40 EDT), the next is the next day's.
      assert.equal(nextDue(newYork('30 1 * * *'), at('2026-11-01T05:40:00Z'))!.toISOString(), '2026-11-02T06:30:00.000Z');
      // 8 March 2026: 02:00 EST becomes 03:00 EDT.
      assert.deepEqual(between(newYork('30 2 * * *'), '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'), [
        '2026-03-07T07:30:00.000Z',
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-09T06:30:00.000Z',
      ]);
    });

    it('treats a list of fixed hours as fixed times too', () => {
      assert.deepEqual(between(berlin('0 2,14 * * *'), '2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z'), [
        '2026-03-29T01:00:00.000Z', // 02:00 does not exist: 03:00 CEST
        '2026-03-29T12:00:00.000Z',
      ]);
    });

    it('keeps interval schedules on real time: nothing in the skipped hour, both passes of the repeated hour', () => {
      assert.deepEqual(between(newYork('*/30 * * * *'), '2026-03-08T06:00:00Z', '2026-03-08T08:00:00Z'), [
        '2026-03-08T06:30:00.000Z', // 01:30 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-08T07:30:00.000Z',
        '2026-03-08T08:00:00.000Z',
      ]);
      assert.deepEqual(between(newYork('*/30 * * * *'), '2026-11-01T04:45:00Z', '2026-11-01T07:00:00Z'), [
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T06:00:00.000Z', // 01:00 EST
        '2026-11-01T06:30:00.000Z',
        '2026-11-01T07:00:00.000Z',
      ]);
    });
  });

  describe('which due time a pass runs', () => {
    const hourly = { cron: '0 * * * *', timeZone: 'UTC' };
    const grace = 15 * MINUTE;

    it('runs the latest due time after the last one, within the grace window', () => {
      const since = at('2026-01-01T09:00:00Z');
      assert.equal(dueToRun(hourly, since, at('2026-01-01T09:59:59Z'), grace), null);
      assert.equal(dueToRun(hourly, since, at('2026-01-01T10:00:00Z'), grace)!.toISOString(), '2026-01-01T10:00:00.000Z');
      assert.equal(dueToRun(hourly, since, at('2026-01-01T10:14:00Z'), grace)!.toISOString(), '2026-01-01T10:00:00.000Z');
      // Once executed, `since` is that due time: nothing more until 11:00.
      assert.equal(dueToRun(hourly, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:14:00Z'), grace), null);
    });

    it('drops a due time older than the grace window', () => {
      assert.equal(dueToRun(hourly, at('2026-01-01T09:00:00Z'), at('2026-01-01T10:16:00Z'), grace), null);
    });

    it('after downtime runs only the latest missed due time, and only if it is recent enough', () => {
      const since = at('2026-01-01T09:00:00Z');
      // Down for three days: of 72 missed hours, only 09:00 on the 4th runs.
      assert.equal(dueToRun(hourly, since, at('2026-01-04T09:05:00Z'), grace)!.toISOString(), '2026-01-04T09:00:00.000Z');
      const daily = { cron: '0 9 * * *', timeZone: 'UTC' };
      assert.equal(dueToRun(daily, since, at('2026-01-04T12:00:00Z'), grace), null);
    });

    it('never runs a due time at or before the moment the schedule was armed', () => {
      const created = at('2026-01-01T10:00:30Z');
      assert.equal(dueToRun(hourly, created, at('2026-01-01T10:01:00Z'), grace), null);
    });
  });
});

describe('schedule timing as users give it', () => {
  const now = at('2026-01-01T00:00:00Z');
  const refusal = (field: string, pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.kind, 'invalid_input');
    assert.equal(error.details?.field, field);
    assert.match(error.message, pattern);
    return true;
  };

  it('stores the canonical time zone and a tidy expression', () => {
    assert.deepEqual(parseTiming(' 0  9 * * 1-5 ', 'europe/berlin', now), { cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin' });
    assert.deepEqual(parseTiming('@daily', 'utc', now), { cron: '@daily', timeZone: 'UTC' });
  });

  it('refuses what is not a five-field cron expression, an unknown time zone, and an expression that never comes due', () => {
    assert.throws(() => parseTiming('61 * * * *', 'UTC', now), refusal('cron', /minute/));
    assert.throws(() => parseTiming('0 9 * *', 'UTC', now), refusal('cron', /five fields/));
    assert.throws(() => parseTiming('0 0 9 * * *', 'UTC', now), refusal('cron', /five fields/));
    assert.throws(() => parseTiming('0 9 * * *', 'Mars/Olympus', now), refusal('timeZone', /IANA/));
    assert.throws(() => parseTiming('0 0 30 2 *', 'UTC', now), refusal('cron', /never comes due/));
  });
});

describe('what an execution does to an instance', () => {
  const instance = (state: 'running' | 'stopped' | 'stopping' | 'terminated', terminationProtection = false) => ({ state, terminationProtection });

  it('acts when the state allows the action, and skips (with the reason) when it does not', () => {
    assert.deepEqual(scheduledStep('stop', instance('running')), { kind: 'act' });
    assert.deepEqual(scheduledStep('start', instance('stopped')), { kind: 'act' });
    assert.deepEqual(scheduledStep('stop', instance('stopped')), { kind: 'skip', why: 'it is already stopped' });
    assert.deepEqual(scheduledStep('start', instance('stopping')), { kind: 'skip', why: 'it is stopping' });
    assert.deepEqual(scheduledStep('reboot', instance('stopped')), { kind: 'skip', why: 'it is stopped, and reboot needs it to be running' });
    assert.deepEqual(scheduledStep('terminate', instance('running', true)), { kind: 'skip', why: 'termination protection is on' });
    assert.deepEqual(scheduledStep('terminate', instance('stopped')), { kind: 'act' });
  });

  it('counts a refused command by why it was refused', () => {
    assert.equal(outcomeOfError('invalid_state'), 'skipped');
    for (const kind of ['forbidden', 'license', 'limit_exceeded'] as const) assert.equal(outcomeOfError(kind), 'refused');
    for (const kind of ['unavailable', 'internal', 'not_found'] as const) assert.equal(outcomeOfError(kind), 'failed');
  });
});
