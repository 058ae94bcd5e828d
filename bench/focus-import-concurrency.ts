// 17. Other calls during a large FOCUS import: the 1,000,136-row gzip export of §10 imported as a
// job (`billingImports.import` answers at once) on a node, while a client makes signed
// `tenants.describe` reads one after the other until the job has ended. Baseline: the same reads
// on the same node with no import. A B B A: reads, import with reads, again, reads.
import path from 'node:path';
import type { MaestroClient } from '../src/sdk/client.js';
import { accountId, rowsOf, writeFocusBenchFile } from './support/focus-file.js';
import { percentile, round2, startBenchServer, type BenchServer } from './support/compute.js';
import { flavourName, tempDir, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';
import { shape, TENANTS } from './focus-import.js';

const TARGET_P95_MS = 200;
/** Reads of a baseline pass: about as many as one import lets through. */
const BASELINE_READS = 1500;

interface Latencies {
  reads: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function latencies(samples: number[]): Latencies {
  const sorted = samples.toSorted((a, b) => a - b);
  return {
    reads: sorted.length,
    p50: round2(percentile(sorted, 50)),
    p95: round2(percentile(sorted, 95)),
    p99: round2(percentile(sorted, 99)),
    max: round2(sorted.at(-1) ?? Number.NaN),
  };
}

async function timedRead(client: MaestroClient, samples: number[]): Promise<void> {
  const started = performance.now();
  await client.tenants.describe({ limit: 20 });
  samples.push(performance.now() - started);
}

async function baselinePass(client: MaestroClient): Promise<Latencies> {
  const samples: number[] = [];
  for (let i = 0; i < BASELINE_READS; i++) await timedRead(client, samples);
  return latencies(samples);
}

/** Starts the import as a job and reads until it has ended. */
async function importPass(
  server: BenchServer,
  file: string,
): Promise<Latencies & { importSeconds: number; rowsPerSecond: number; phaseSeconds: unknown }> {
  const { client, maestro } = server;
  const samples: number[] = [];
  const started = performance.now();
  const { job } = await client.billingImports.import({ path: file });
  let ended = false;
  const waited = maestro.jobs.waitFor(job.id).then((outcome) => {
    ended = true;
    return outcome;
  });
  while (!ended) await timedRead(client, samples);
  const outcome = await waited;
  const seconds = (performance.now() - started) / 1000;
  if (outcome?.status !== 'success') throw new Error(`the import job ended ${outcome?.status}: ${outcome?.error}`);
  const read = (outcome.result as { rows: { read: number } }).rows.read;
  if (read !== rowsOf(shape)) throw new Error(`the import read ${read} rows of ${rowsOf(shape)}`);
  const phaseSeconds = (outcome.progress as { phaseSeconds?: unknown } | null)?.phaseSeconds ?? null;
  return { ...latencies(samples), importSeconds: round2(seconds), rowsPerSecond: Math.round(read / seconds), phaseSeconds };
}

async function measureFlavour(flavour: Flavour, file: string): Promise<Figure> {
  const server = await startBenchServer(flavour);
  try {
    const { client } = server;
    await client.customers.create({ name: 'FINOPS' });
    for (let t = 0; t < TENANTS; t++) await client.tenants.create({ customer: 'FINOPS', name: `FINOPS-${t}` });
    for (let a = 0; a < shape.accounts - shape.unknownAccounts; a++) {
      await client.billingAccounts.map({ cloud: 'AWS', account: accountId(a), tenant: `FINOPS-${a % TENANTS}` });
    }
    // Warm-up: connections, caches, the first import's tables.
    await baselinePass(client);
    const a1 = await baselinePass(client);
    const b1 = await importPass(server, file);
    const b2 = await importPass(server, file);
    const a2 = await baselinePass(client);
    const worst = Math.max(b1.p95, b2.p95);
    return {
      benchmark: 'focus-import-concurrency',
      name: `tenants.describe p95 during a 1M-row FOCUS import, ${flavourName[flavour]}`,
      value: worst,
      unit: 'ms',
      baseline: { name: 'the same reads, no import', value: Math.max(a1.p95, a2.p95) },
      target: { kind: 'at-most', value: TARGET_P95_MS },
      details: { a1, b1, b2, a2 },
    };
  } finally {
    await server.close();
  }
}

export async function focusImportConcurrency(flavours: readonly Flavour[]): Promise<Figure[]> {
  const temp = tempDir('focus-concurrency');
  try {
    const file = path.join(temp.dir, 'focus-1m.csv.gz');
    await writeFocusBenchFile(file, shape);
    const figures: Figure[] = [];
    for (const flavour of flavours) figures.push(await measureFlavour(flavour, file));
    return figures;
  } finally {
    temp.remove();
  }
}
