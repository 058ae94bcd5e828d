// 4. `npm start` (node dist/src/cli/main.js serve) on the embedded default, from spawn until
// GET /health answers 200: with a new data directory, and again on the one it left. Baseline:
// spawning a bare node HTTP server until it answers.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { cliMain as main, ensureBuilt, root } from './support/built.js';
import { tempDir, type Flavour } from './support/databases.js';
import { median, type Figure } from './support/report.js';

const ROUNDS = 3;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function status(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
  });
}

/** The environment of `npm start` on a machine with nothing configured: the embedded default. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'DATABASE_URL' || key.startsWith('MAESTRO_')) delete env[key];
  return env;
}

/** Milliseconds from spawn until `urlPath` answers 200, and the server's own "ready" figure if it logs one. */
async function timeToReady(args: string[], port: number, urlPath: string): Promise<{ ms: number; serverMs?: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited before it was ready:\n${output}`);
      if ((await status(port, urlPath)) === 200) break;
      if (performance.now() - started > 60_000) throw new Error(`not ready after 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ms = performance.now() - started;
    const ready = /"ms":(\d+),"msg":"Maestro is ready"/.exec(output);
    return { ms, ...(ready ? { serverMs: Number(ready[1]) } : {}) };
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

const serve = (port: number, dataDir: string) => [main, 'serve', '--port', String(port), '--data-dir', dataDir];
const bare = (port: number) => ['-e', `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`];

export async function coldStart(_flavours: readonly Flavour[]): Promise<Figure[]> {
  ensureBuilt('cold-start');
  // What `npm install` leaves (its prepare step), and a first start that builds the migrated
  // template a new release makes once: neither is what a user waits for on every new data dir.
  execFileSync(process.execPath, [path.join(root, 'dist/src/store/prepare-seed.js')], { cwd: root, stdio: 'inherit' });
  const priming = tempDir('start');
  try {
    const port = await freePort();
    await timeToReady(serve(port, priming.dir), port, '/health');
  } finally {
    priming.remove();
  }

  const samples = { bare: [] as number[], fresh: [] as number[], existing: [] as number[], freshServer: [] as number[], existingServer: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    let port = await freePort();
    samples.bare.push((await timeToReady(bare(port), port, '/')).ms);
    const data = tempDir('start');
    try {
      port = await freePort();
      const fresh = await timeToReady(serve(port, data.dir), port, '/health');
      samples.fresh.push(fresh.ms);
      if (fresh.serverMs !== undefined) samples.freshServer.push(fresh.serverMs);
      port = await freePort();
      const existing = await timeToReady(serve(port, data.dir), port, '/health');
      samples.existing.push(existing.ms);
      if (existing.serverMs !== undefined) samples.existingServer.push(existing.serverMs);
    } finally {
      data.remove();
    }
  }
  const baseline = { name: 'bare node HTTP server', value: median(samples.bare) };
  const round = (values: number[]) => values.map((v) => Math.round(v));
  return [
    {
      benchmark: 'cold-start',
      name: 'npm start, new data dir, to GET /health 200',
      value: median(samples.fresh),
      unit: 'ms',
      baseline,
      target: { kind: 'at-most', value: 3000 },
      details: { samples: round(samples.fresh), serverReadyMs: samples.freshServer, baselineSamples: round(samples.bare) },
    },
    {
      benchmark: 'cold-start',
      name: 'npm start, existing data dir, to GET /health 200',
      value: median(samples.existing),
      unit: 'ms',
      baseline,
      details: { samples: round(samples.existing), serverReadyMs: samples.existingServer },
    },
  ];
}
