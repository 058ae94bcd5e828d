import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalBeingRun,
  approvalReason,
  calendarMonth,
  dailyExcess,
  HOUR_MS,
  noAmounts,
  quotaStopReason,
  reached,
  scopeCovers,
  spentOn,
  thresholdsDue,
  windowStart,
  type Amounts,
  type Creation,
  type Limits,
} from '../../src/domain/quotas.js';

const at = (iso: string) => new Date(iso);
const instance = (iso: string, cpu = 1, ramMb = 2048): Creation => ({ at: at(iso), amounts: { ...noAmounts(), instances: 1, cpu, ramMb } });
const volume = (iso: string, storageGb: number): Creation => ({ at: at(iso), amounts: { ...noAmounts(), volumes: 1, storageGb } });
const ask = (amounts: Partial<Amounts>): Amounts => ({ ...noAmounts(), ...amounts });
const limits = (given: Partial<Limits>): Limits => ({ instances: null, cpu: null, ramMb: null, volumes: null, storageGb: null, ...given });

describe('daily resource quotas: the rolling window', () => {
  it('counts what is younger than the interval', () => {
    assert.deepEqual(windowStart(at('2026-03-02T10:00:00Z'), 24), at('2026-03-01T10:00:00Z'));
    assert.deepEqual(windowStart(at('2026-03-02T10:00:00Z'), 1), at('2026-03-02T09:00:00Z'));
  });

  it('refuses the fourth instance of three, and says when the oldest leaves the window', () => {
    const created = [instance('2026-03-01T12:00:00Z'), instance('2026-03-01T09:00:00Z'), instance('2026-03-01T10:00:00Z')];
    assert.deepEqual(dailyExcess(limits({ instances: 3 }), created.slice(0, 2), ask({ instances: 1 }), 24), []);
    assert.deepEqual(dailyExcess(limits({ instances: 3 }), created, ask({ instances: 1 }), 24), [
      { dimension: 'instances', limit: 3, used: 3, asked: 1, freesAt: at('2026-03-02T09:00:00Z') },
    ]);
    // Two need the two oldest to leave.
    assert.deepEqual(dailyExcess(limits({ instances: 3 }), created, ask({ instances: 2 }), 24)[0]!.freesAt, at('2026-03-02T10:00:00Z'));
  });

  it('never frees room for a request larger than the limit itself', () => {
    assert.deepEqual(dailyExcess(limits({ instances: 3 }), [], ask({ instances: 4 }), 24), [
      { dimension: 'instances', limit: 3, used: 0, asked: 4, freesAt: null },
    ]);
    assert.equal(dailyExcess(limits({ instances: 0 }), [], ask({ instances: 1 }), 24)[0]!.freesAt, null);
  });

  it('checks CPU and RAM as sums, each dimension on its own', () => {
    const created = [instance('2026-03-01T09:00:00Z', 4, 8192), instance('2026-03-01T11:00:00Z', 2, 4096)];
    const excess = dailyExcess(limits({ instances: 10, cpu: 8, ramMb: 16_384 }), created, ask({ instances: 1, cpu: 4, ramMb: 4096 }), 6);
    assert.deepEqual(excess, [{ dimension: 'cpu', limit: 8, used: 6, asked: 4, freesAt: at('2026-03-01T15:00:00Z') }]);
  });

  it('checks only what a request asks for: a volume is not refused for instances', () => {
    const created = [instance('2026-03-01T09:00:00Z'), volume('2026-03-01T10:00:00Z', 100)];
    const quota = limits({ instances: 1, volumes: 5, storageGb: 150 });
    assert.deepEqual(dailyExcess(quota, created, ask({ volumes: 1, storageGb: 50 }), 24), []);
    assert.deepEqual(dailyExcess(quota, created, ask({ volumes: 1, storageGb: 51 }), 24), [
      { dimension: 'storageGb', limit: 150, used: 100, asked: 51, freesAt: at('2026-03-02T10:00:00Z') },
    ]);
  });

  it('lets anything through where there is no limit', () => {
    assert.deepEqual(dailyExcess(limits({}), [instance('2026-03-01T09:00:00Z')], ask({ instances: 500, cpu: 9999 }), 24), []);
    assert.equal(HOUR_MS, 3_600_000);
  });
});

describe('monthly cost quotas', () => {
  it('counts the calendar month in UTC, December into January', () => {
    assert.deepEqual(calendarMonth(at('2026-03-15T23:59:59Z')), { month: '2026-03', from: '2026-03-01', until: '2026-04-01' });
    assert.deepEqual(calendarMonth(at('2026-12-31T23:59:59.999Z')), { month: '2026-12', from: '2026-12-01', until: '2027-01-01' });
  });

  it('matches all regions, one cloud or one region, whatever the case billing spells them in', () => {
    const place = { cloud: 'aws', region: 'eu-west-1' };
    assert.ok(scopeCovers({ scope: 'all', target: null }, place));
    assert.ok(scopeCovers({ scope: 'cloud', target: 'AWS' }, place));
    assert.ok(!scopeCovers({ scope: 'cloud', target: 'AZURE' }, place));
    assert.ok(scopeCovers({ scope: 'region', target: 'EU-WEST-1' }, place));
    assert.ok(!scopeCovers({ scope: 'region', target: 'AWS' }, place));
  });

  it("sums the spending where a quota applies, in the quota's currency only", () => {
    const spends = [
      { cloud: 'AWS', region: 'EU-1', currency: 'USD', cost: 10 },
      { cloud: 'AWS', region: 'EU-2', currency: 'usd', cost: 5 },
      { cloud: 'SIMULATED', region: 'SIM-1', currency: 'USD', cost: 2.5 },
      { cloud: 'AWS', region: 'EU-1', currency: 'EUR', cost: 1000 },
    ];
    assert.equal(spentOn({ scope: 'all', target: null, currency: 'USD' }, spends), 17.5);
    assert.equal(spentOn({ scope: 'cloud', target: 'AWS', currency: 'USD' }, spends), 15);
    assert.equal(spentOn({ scope: 'region', target: 'EU-1', currency: 'EUR' }, spends), 1000);
  });

  it('announces the plan percentage and 100%, each once, lowest first', () => {
    const none = new Set<number>();
    assert.deepEqual(thresholdsDue(89.99, 100, 90, none), []);
    assert.deepEqual(thresholdsDue(90, 100, 90, none), [90]);
    assert.deepEqual(thresholdsDue(95, 100, 90, new Set([90])), []);
    assert.deepEqual(thresholdsDue(100, 100, 90, new Set([90])), [100]);
    assert.deepEqual(thresholdsDue(250, 100, 90, none), [90, 100]);
    assert.deepEqual(thresholdsDue(250, 100, 90, new Set([90, 100])), []);
    // Without a plan, 100% still is.
    assert.deepEqual(thresholdsDue(100, 100, null, none), [100]);
  });

  it('compares shares despite floating-point rounding', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point.
    assert.ok(reached(0.29, 1, 29));
    assert.ok(reached(0.3, 3, 10));
    assert.ok(!reached(0.28, 1, 29));
  });
});

describe('the reasons Maestro acts for quotas', () => {
  it('marks a call as running an approved request, and nothing else as one', () => {
    assert.equal(approvalBeingRun(approvalReason('a1')), 'a1');
    assert.equal(approvalBeingRun(null), null);
    assert.equal(approvalBeingRun(quotaStopReason('q1')), null);
    assert.equal(approvalBeingRun({ reasonType: 'maestro/time-limit', reasonCode: 'a1' }), null);
  });
});
