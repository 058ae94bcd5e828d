// A Maestro node in a process of its own, for tests that kill one (test/jobs/two-nodes.test.ts).
// Starts on DATABASE_URL as NODE_NAME with a job type `test.record` that records each run in the
// table job_runs and sleeps as its payload says; prints "ready", then runs until it is killed
// (SIGTERM: shuts down cleanly).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../../src/server/config.js';
import { startMaestro } from '../../../src/server/runtime.js';

const name = process.env.NODE_NAME ?? 'child';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-job-node-'));
const config = loadConfig(
  {},
  {
    databaseUrl: process.env.DATABASE_URL,
    nodeName: name,
    dataDir,
    masterKey: Buffer.alloc(32, 7).toString('base64'),
    logLevel: 'silent',
    defaultSimulatedRegion: false,
    systemJobs: false,
    jobLeaseMs: Number(process.env.LEASE_MS ?? 1000),
    jobPollMs: 50,
    jobConcurrency: 2,
    nodeHeartbeatMs: 200,
  },
);
const maestro = await startMaestro({ config, listen: false });

const payload = z.object({
  sleepMs: z.number().default(0),
  /** How long the first attempt sleeps instead (the one a test kills). */
  firstAttemptMs: z.number().optional(),
  /** Holds the job until runs from this many nodes are recorded (so that every node takes part). */
  untilNodes: z.number().int().optional(),
});
maestro.jobs.register(
  'test.record',
  async (input, ctx) => {
    await maestro.db.query('INSERT INTO job_runs (job_id, node, attempt) VALUES ($1, $2, $3)', [ctx.job.id, name, ctx.job.attempts]);
    const sleep = ctx.job.attempts === 1 && input.firstAttemptMs !== undefined ? input.firstAttemptMs : input.sleepMs;
    await new Promise((resolve) => setTimeout(resolve, sleep));
    while (input.untilNodes !== undefined && !ctx.signal.aborted) {
      const { rows } = await maestro.db.query<{ nodes: number }>('SELECT count(DISTINCT node)::int AS nodes FROM job_runs');
      if (rows[0]!.nodes >= input.untilNodes) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { node: name };
  },
  { payload, backoffMs: 100 },
);

// Maestro's timers do not keep a process alive; this one does, until SIGTERM.
const alive = setInterval(() => undefined, 60_000);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  clearInterval(alive);
  void maestro.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
