import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../src/cli/errors.js';
import { followJob, type FollowedJob } from '../../src/cli/follow-job.js';
import { progressView } from '../../src/cli/job-progress.js';
import type { RpcClient } from '../../src/sdk/rpc.js';
import { fakeStream as stream } from './fake-stream.js';

const id = '01a25353-19ee-70df-86f0-7c68146ad3d7';

/** jobs.describe answering these states of one job, one per look; records what was asked. */
function jobsServer(states: ReadonlyArray<Partial<FollowedJob>>) {
  const calls: unknown[] = [];
  let look = 0;
  const client: RpcClient = {
    async call(method, params) {
      calls.push({ method, params });
      const state = states[Math.min(look++, states.length - 1)]!;
      return { items: [{ id, status: 'processing', progress: null, result: null, error: null, ...state }], nextCursor: null };
    },
    batch: () => Promise.reject(new Error('not used')),
  };
  return { client, calls };
}


const reading = (read: number, rowsPerSecond: number | null) => ({
  phase: 'reading',
  file: 'costs.csv.gz',
  fileBytes: 10_000_000,
  fileBytesRead: read,
  rows: { read: read / 10, accepted: 0, rejected: 0, imported: 0, unmapped: 0 },
  rowsPerSecond,
});
const summary = { rows: { read: 1_000_000, imported: 999_000 } };
const states: Array<Partial<FollowedJob>> = [
  { status: 'pending' },
  { progress: reading(5_000_000, 100_000) },
  { progress: { ...reading(10_000_000, 120_000), phase: 'staging', dailyCosts: { staged: 40, total: 90 } } },
  { status: 'success', progress: { ...reading(10_000_000, 125_000), phase: 'done' }, result: summary },
];

describe('following a job from the CLI', () => {
  it('on a terminal, draws a bar with the phase, counts and rate, and ends with the result', async () => {
    const { client, calls } = jobsServer(states);
    const terminal = stream(true);
    const job = await followJob(client, id, { stream: terminal.stream, sleep: async () => {} });
    assert.deepEqual(job.result, summary);
    assert.equal(calls.length, 4);
    assert.deepEqual(calls[0], { method: 'jobs.describe', params: { id } });
    const drawn = terminal.written();
    assert.match(drawn, /reading +\[[^\]]+\] 50% \| 500,000 rows, 100,000 rows\/s, 5\.0\/10\.0 MB/);
    // The last look is drawn before the bar is cleared.
    assert.match(drawn, /done +\[[^\]]+\] 100% \| 1,000,000 rows, 125,000 rows\/s, 10\.0\/10\.0 MB/);
  });

  it('in a pipe, writes nothing and still waits for the result', async () => {
    const { client } = jobsServer(states);
    const pipe = stream(false);
    let slept = 0;
    const job = await followJob(client, id, { stream: pipe.stream, sleep: async () => void slept++ });
    assert.deepEqual(job.result, summary);
    assert.equal(pipe.written(), '');
    assert.equal(slept, 3);
  });

  it('a failed job is an error naming the job and its reason', async () => {
    const { client } = jobsServer([{ status: 'failed', error: 'the file is not gzip' }]);
    await assert.rejects(
      followJob(client, id, { stream: stream(false).stream, sleep: async () => {} }),
      (error: CliError) => error instanceof CliError && error.exitCode === 1 && error.message.includes(`job ${id} failed: the file is not gzip`),
    );
  });

  it('reads the staging phase and plain done/total progress, and nothing it does not understand', () => {
    assert.deepEqual(progressView({ phase: 'staging', dailyCosts: { staged: 3, total: 9 }, rows: { read: 1200 } }), {
      phase: 'staging',
      value: 3,
      total: 9,
      detail: '3/9 daily costs, 1,200 rows',
    });
    assert.deepEqual(progressView({ done: 5, total: 20 }), { phase: 'working', value: 5, total: 20, detail: '5/20' });
    assert.equal(progressView({ phase: 'reading' }), undefined);
    assert.equal(progressView('half'), undefined);
  });
});
