// 17. `maestro` start-up as a user feels it: spawning the compiled CLI until it exits, for
// `--help`, `--version` and a signed `instances describe` (20 instances) against a node started
// by the bench, each A B B A against spawning `node -e 0` (the floor any Node.js CLI pays).
// MAESTRO_BENCH_CLI_BEFORE=<another build's dist/src/cli/main.js> adds each case A B B A against
// that build, to measure a change.
import { spawn } from 'node:child_process';
import { cliMain, ensureBuilt, root } from './support/built.js';
import { simulatedTenants, startBenchServer } from './support/compute.js';
import type { Flavour } from './support/databases.js';
import { median, type Figure } from './support/report.js';

/** Rounds of A B B A: 2 × ROUNDS samples of each side. */
const ROUNDS = 6;
const INSTANCES = 20;

/** Milliseconds from spawn until the process exits; a failure stops the benchmark with its output. */
function timeToExit(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
}


/** A B B A: the CLI and the baseline (node -e 0) alternate so that drift in the machine's load hits both alike. */
async function alternate(cli: readonly string[], env: NodeJS.ProcessEnv, bare: readonly string[] = ['-e', '0']): Promise<{ cli: number[]; bare: number[] }> {
  // One of each first, unmeasured: the file system cache, not start-up, is what a first run pays.
  await timeToExit(bare, env);
  await timeToExit(cli, env);
  const samples = { cli: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    samples.bare.push(await timeToExit(bare, env));
    samples.cli.push(await timeToExit(cli, env));
    samples.cli.push(await timeToExit(cli, env));
    samples.bare.push(await timeToExit(bare, env));
  }
  return samples;
}

/** The environment of a user's shell: no MAESTRO_* settings beyond the ones given. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MAESTRO_') && key !== 'NODE_OPTIONS'));
  return { ...env, MAESTRO_CLI_CONFIG: '/nonexistent/maestro-bench.json', ...extra };
}

const before = process.env.MAESTRO_BENCH_CLI_BEFORE;

function figure(name: string, samples: { cli: number[]; bare: number[] }, ratio?: number, baseline = 'node -e 0'): Figure {
  const round = (values: number[]) => values.map((v) => Math.round(v));
  return {
    benchmark: 'cli-startup',
    name,
    value: median(samples.cli),
    unit: 'ms',
    baseline: { name: baseline, value: median(samples.bare) },
    ...(ratio ? { target: { kind: 'ratio-at-most' as const, value: ratio } } : {}),
    details: { samples: round(samples.cli), baselineSamples: round(samples.bare) },
  };
}

/** The case against node -e 0, and against the build before when one is given. */
async function measure(name: string, args: readonly string[], env: NodeJS.ProcessEnv, ratio: number): Promise<Figure[]> {
  const figures = [figure(name, await alternate([cliMain, ...args], env), ratio)];
  if (before) figures.push(figure(`${name}, this build against the one before`, await alternate([cliMain, ...args], env, [before, ...args]), undefined, 'the build before'));
  return figures;
}

export async function cliStartup(_flavours: readonly Flavour[]): Promise<Figure[]> {
  ensureBuilt('cli-startup');
  const figures: Figure[] = [];
  figures.push(...(await measure('maestro --help', ['--help'], userEnv(), 2)));
  figures.push(...(await measure('maestro --version', ['--version'], userEnv(), 2)));

  const server = await startBenchServer('pglite', { defaultSimulatedRegion: false });
  try {
    await simulatedTenants(server.client, { customer: 'bench', region: 'sim-bench', tenants: ['bench-dev'] });
    await server.client.instances.run({ tenant: 'bench-dev', region: 'sim-bench', image: 'ubuntu-24.04', shape: 'SMALL', count: INSTANCES });
    const env = userEnv({ MAESTRO_URL: server.maestro.url, MAESTRO_ACCESS_KEY: server.credentials.accessKey, MAESTRO_SECRET_KEY: server.credentials.secretKey });
    const args = ['instances', 'describe', '--tenant', 'bench-dev'];
    const listed = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [cliMain, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`instances describe exited ${code}`))));
    });
    const rows = listed.trimEnd().split('\n').length - 1;
    if (rows !== INSTANCES) throw new Error(`instances describe printed ${rows} rows, not ${INSTANCES}:\n${listed}`);
    figures.push(...(await measure(`signed maestro instances describe (${INSTANCES} rows), PGlite`, args, env, 3)));
  } finally {
    await server.close();
  }
  return figures;
}
