/**
 * An hour with resizes in it is billed part at each size (per second), or wholly at the size the
 * hour's use began with (by the hour); what came before a resize keeps its size however many
 * resizes follow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chargesForHour, type PolicyPeriod } from '../../src/domain/billing/hourly.js';
import type { BillableSpec } from '../../src/domain/billing/prices.js';
import { enter, resize, type Segment } from '../../src/domain/billing/timeline.js';

const hour = Date.parse('2026-05-04T10:00:00Z');
const at = (minute: number) => new Date(hour + minute * 60_000).toISOString();
// 73.05 a month is 0.1 an hour: each vCPU costs 0.1 an hour, each GB of RAM 0.05, nothing else.
const policies: PolicyPeriod[] = [{ id: 'p', effectiveFrom: 0, currency: 'USD', prices: { instance: { perCpuMonth: 73.05, perRamGbMonth: 36.525, perDiskGbMonth: 0, shapes: {}, os: {} } } }];
const small = { cpu: 1, ramMb: 2048, shape: 'SMALL' };
const medium = { cpu: 2, ramMb: 4096, shape: 'MEDIUM' };
const large = { cpu: 2, ramMb: 8192, shape: 'LARGE' };
const spec = (size: typeof small): BillableSpec => ({ type: 'instance', ...size, diskGb: 0, os: null });
const round = (n: number) => Number(n.toFixed(6));

describe('billing an hour with resizes in it', () => {
  // Runs at 10:00 as SMALL (0.2 an hour), MEDIUM from 10:15 (0.4), LARGE from 10:45 (0.6), stopped at 10:50.
  let segments: Segment[] = enter([], 'running', at(0));
  segments = resize(segments, small, at(15));
  segments = resize(segments, medium, at(45));
  segments = enter(segments, 'stopped', at(50));

  it('keeps the size of each stretch before a resize, and leaves the current one to the timeline', () => {
    assert.deepEqual(
      segments.map((s) => [s.state, s.from.slice(11, 16), s.to?.slice(11, 16) ?? null, s.size?.shape ?? 'current']),
      [
        ['running', '10:00', '10:15', 'SMALL'],
        ['running', '10:15', '10:45', 'MEDIUM'],
        ['running', '10:45', '10:50', 'current'],
        ['stopped', '10:50', null, 'current'],
      ],
    );
  });

  it('bills each second at the size it had (per second)', () => {
    const [running] = chargesForHour(segments, hour, 'second', spec(large), policies, 'USD').filter((c) => c.state === 'running');
    // 15 min × 0.2 + 30 min × 0.4 + 5 min × 0.6 = 0.05 + 0.2 + 0.05
    assert.deepEqual([running!.seconds, round(running!.cost)], [3000, 0.3]);
  });

  it('bills the whole hour at the size its use began with (by the hour)', () => {
    const [running] = chargesForHour(segments, hour, 'hour', spec(large), policies, 'USD').filter((c) => c.state === 'running');
    assert.deepEqual([running!.billedSeconds, round(running!.cost)], [3600, 0.2]);
  });

  it('bills the next hour at the current size', () => {
    const next = resize(enter([], 'running', at(0)), small, at(30));
    const [later] = chargesForHour(next, hour + 3_600_000, 'second', spec(medium), policies, 'USD');
    assert.deepEqual([later!.seconds, round(later!.cost)], [3600, 0.4]);
  });
});
