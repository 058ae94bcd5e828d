import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { CloudError } from '../../src/clouds/driver.js';
import { withRetry } from '../../src/clouds/retry.js';

const policy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 1_000 };

describe('retries with back-off', () => {
  it('sends again after failures a retry can help, waiting longer each time on the injected clock', async () => {
    const clock = new ManualClock();
    const start = clock.now().getTime();
    const times: number[] = [];
    const result = withRetry(
      async (n) => {
        times.push(clock.now().getTime() - start);
        if (n < 4) throw new CloudError('api', 'HTTP 503', { status: 503 });
        return 'done';
      },
      { policy, clock },
    );
    for (const step of [500, 1_000, 1_000]) {
      await clock.untilSleeping(1);
      clock.advance(step);
    }
    assert.equal(await result, 'done');
    assert.deepEqual(times, [0, 500, 1_500, 2_500]);
  });

  it('fails cleanly after the last attempt, saying how many were made', async () => {
    const clock = new ManualClock();
    const result = withRetry(async () => Promise.reject(new CloudError('api', 'connection refused')), { policy, clock });
    const outcome = result.catch((error: unknown) => error);
    for (let i = 0; i < 3; i += 1) {
      await clock.untilSleeping(1);
      clock.advance(1_000);
    }
    const error = await outcome;
    assert.ok(error instanceof CloudError && error.reason === 'api');
    assert.match((error as Error).message, /connection refused \(after 4 attempts\)/);
  });

  it('does not retry what a retry cannot help', async () => {
    const clock = new ManualClock();
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls += 1;
        throw new CloudError('not_found', 'no such server');
      }, { policy, clock }),
      /no such server$/,
    );
    assert.equal(calls, 1);
  });
});
