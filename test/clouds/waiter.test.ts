import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { CloudError } from '../../src/clouds/driver.js';
import { waitForState } from '../../src/clouds/waiter.js';

/** A resource whose state is read from a script, one entry per read; `reads` counts them. */
function scripted(states: string[]) {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    refresh: async () => {
      const state = states[Math.min(reads, states.length - 1)]!;
      reads += 1;
      return { state, value: `${state}@${reads}` };
    },
  };
}

describe('the state-change waiter', () => {
  it('polls until a target state, backing off from the minimum interval, on the injected clock', async () => {
    const clock = new ManualClock();
    const start = clock.now().getTime();
    const resource = scripted(['RESIZE', 'RESIZE', 'RESIZE', 'VERIFY_RESIZE']);
    const waited = waitForState({ what: 'the resize', pending: ['RESIZE'], target: ['VERIFY_RESIZE'], refresh: resource.refresh, timeoutMs: 60_000, minPollMs: 1_000, maxPollMs: 3_000, clock });
    const sleeps: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await clock.untilSleeping(1);
      const before = clock.now().getTime();
      // Move in small steps: a sleep ends only once its full interval has passed.
      while (clock.sleeping > 0) clock.advance(250);
      sleeps.push(clock.now().getTime() - before);
    }
    assert.equal(await waited, 'VERIFY_RESIZE@4');
    assert.deepEqual(sleeps, [1_000, 2_000, 3_000]);
    assert.equal(clock.now().getTime() - start, 6_000);
  });

  it('a state that is neither pending nor target ends the wait at once, naming it', async () => {
    const clock = new ManualClock();
    await assert.rejects(
      waitForState({ what: 'server 1 to start', pending: ['BUILD'], target: ['ACTIVE'], refresh: scripted(['ERROR']).refresh, timeoutMs: 1_000, minPollMs: 10, clock }),
      (error) => error instanceof CloudError && error.reason === 'api' && /it is ERROR, expected ACTIVE/.test(error.message),
    );
  });

  it('gives up after the timeout with a retryable timeout error', async () => {
    const clock = new ManualClock();
    const resource = scripted(['BUILD']);
    const waited = waitForState({ what: 'server 1 to start', pending: ['BUILD'], target: ['ACTIVE'], refresh: resource.refresh, timeoutMs: 5_000, minPollMs: 1_000, clock });
    let settled = false;
    const outcome = waited.then(
      () => null,
      (error: unknown) => error,
    ).finally(() => {
      settled = true;
    });
    while (!settled) {
      await Promise.race([clock.untilSleeping(1), outcome]);
      clock.advance(1_000);
    }
    const error = await outcome;
    assert.ok(error instanceof CloudError && error.reason === 'timeout' && error.retryable, String(error));
    assert.match((error as Error).message, /still BUILD after 5000 ms/);
    // Reads at 0, 1, 3 s and a last one at the deadline (5 s), never past it.
    assert.equal(resource.reads, 4);
  });

  it('stops when the call is abandoned', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const waited = waitForState({ what: 'x', pending: ['BUILD'], target: ['ACTIVE'], refresh: scripted(['BUILD']).refresh, timeoutMs: 60_000, minPollMs: 1_000, clock, signal: abort.signal });
    await clock.untilSleeping(1);
    abort.abort(new Error('call timed out'));
    await assert.rejects(waited, /call timed out/);
  });
});
