import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deadlines } from '../../src/agent/deadlines.js';
import { ManualClock } from '../../src/domain/clock.js';

describe('call deadlines on one sleep of the clock', () => {
  it('expires a call at its deadline and not before', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    deadlines.add(clock.now().getTime() + 20_000, () => expired.push('a'));
    clock.advance(19_999);
    await Promise.resolve();
    assert.deepEqual(expired, []);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, ['a']);
    assert.equal(deadlines.size, 0);
  });

  it('never expires a call that finished in time, and sleeps once for many calls', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const expired: number[] = [];
    const start = clock.now().getTime();
    const done = Array.from({ length: 100 }, (_, index) => deadlines.add(start + 30_000 + index, () => expired.push(index)));
    assert.equal(clock.sleeping, 1, 'one sleep for all of them');
    for (const deadline of done.slice(0, 99)) deadlines.cancel(deadline);
    clock.advance(30_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, []);
    assert.equal(clock.sleeping, 1, 'asleep again until the one left is due');
    clock.advance(99);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, [99]);
    assert.equal(clock.sleeping, 0, 'nothing left to wait for');
  });

  it('wakes for a shorter deadline added after a longer one', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    const start = clock.now().getTime();
    deadlines.add(start + 30_000, () => expired.push('long'));
    deadlines.add(start + 1_000, () => expired.push('short'));
    clock.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, ['short']);
    clock.advance(29_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, ['short', 'long']);
  });

  it('stops sleeping when closed: nothing pending expires afterwards', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    deadlines.add(clock.now().getTime() + 1_000, () => expired.push('a'));
    deadlines.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(clock.sleeping, 0);
    clock.advance(5_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(expired, []);
  });
});
