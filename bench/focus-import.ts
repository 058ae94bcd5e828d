// 10. Public billing import: a generated FOCUS export of 1,000,000 rows (gzip CSV, 38 columns)
// imported through the signed API (`billingImports.import`), against gunzipping the same file and
// splitting it into lines. Peak memory is sampled during the import, and compared with the import
// of a file with a quarter of the rows and the same daily sums: streaming means alike peaks.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { accountId, rowsOf, writeFocusBenchFile, type FocusFileShape } from './support/focus-file.js';
import { startBenchServer } from './support/compute.js';
import { flavourName, tempDir, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

// 1,344 resources × 744 hours + 200 monthly rows = 1,000,136 rows.
export const shape: FocusFileShape = { resources: 1344, everyHours: 1, accounts: 200, unknownAccounts: 10 };
const quarterShape: FocusFileShape = { ...shape, everyHours: 4 };
export const TENANTS = 50;
const TARGET_ROWS_PER_SECOND = 50_000;
const MB = 2 ** 20;

/** The baseline: the same bytes gunzipped, decoded and cut into lines, nothing else. */
async function splitLines(file: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const decoder = new StringDecoder('utf8');
  let lines = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: MB }).pipe(createGunzip({ chunkSize: MB })) as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    let at = 0;
    for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n', at)) {
      if (text.slice(at, lf).length > 0) lines++;
      at = lf + 1;
    }
    rest = text.slice(at);
  }
  return { rows: lines - 1, seconds: (performance.now() - started) / 1000 };
}

interface Memory {
  /** Resident set size of the whole process (node, HTTP server, PGlite's WASM heap) before and at its peak. */
  rssBeforeMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
}

/** Samples the process's memory while `work` runs. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; memory: Memory }> {
  const rssBefore = process.memoryUsage.rss();
  let rss = rssBefore;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  const timer = setInterval(sample, 10);
  try {
    const result = await work();
    sample();
    return { result, memory: { rssBeforeMb: Math.round(rssBefore / MB), rssPeakMb: Math.round(rss / MB), heapPeakMb: Math.round(heap / MB) } };
  } finally {
    clearInterval(timer);
  }
}

async function measureFlavour(flavour: Flavour, file: string, quarter: string): Promise<Figure[]> {
  const server = await startBenchServer(flavour);
  try {
    const { client, maestro } = server;
    await client.customers.create({ name: 'FINOPS' });
    for (let t = 0; t < TENANTS; t++) await client.tenants.create({ customer: 'FINOPS', name: `FINOPS-${t}` });
    for (let a = 0; a < shape.accounts - shape.unknownAccounts; a++) {
      await client.billingAccounts.map({ cloud: 'AWS', account: accountId(a), tenant: `FINOPS-${a % TENANTS}` });
    }
    const small = await sampled(async () => (await client.billingImports.import({ path: quarter, wait: true })).import!);
    const before = await splitLines(file);
    const started = performance.now();
    const big = await sampled(async () => (await client.billingImports.import({ path: file, wait: true })).import!);
    const seconds = (performance.now() - started) / 1000;
    const after = await splitLines(file);

    const summary = big.result;
    if (summary.rows.read !== rowsOf(shape)) throw new Error(`the import read ${summary.rows.read} rows of ${rowsOf(shape)}`);
    const { rows } = await maestro.db.query<{ cost: string }>(`SELECT sum(cost) AS cost FROM daily_tenant_records WHERE source = 'public'`);
    const recorded = Number(rows[0]!.cost);
    const imported = Number(summary.totals[0]!.effectiveCost);
    if (Math.abs(recorded - imported) > 1e-6 * imported) throw new Error(`daily records hold ${recorded}, the import summed ${imported}`);
    const baseline = { rows: before.rows + after.rows, seconds: before.seconds + after.seconds };
    return [
      {
        benchmark: 'focus-import',
        name: `FOCUS import, 1M rows gzip, ${flavourName[flavour]}`,
        value: summary.rows.read / seconds,
        unit: 'rows/s',
        baseline: { name: 'gunzip + split into lines', value: baseline.rows / baseline.seconds },
        target: { kind: 'at-least', value: TARGET_ROWS_PER_SECOND },
        details: {
          seconds: Number(seconds.toFixed(2)),
          rows: summary.rows,
          unknownAccounts: summary.unknownAccountCount,
          dailyRecords: summary.dailyRecords,
          ...big.memory,
          baselineSeconds: Number((baseline.seconds / 2).toFixed(2)),
        },
      },
      {
        benchmark: 'focus-import',
        name: `FOCUS import peak RSS, 1M rows vs 250k, ${flavourName[flavour]}`,
        value: big.memory.rssPeakMb,
        unit: 'MB',
        baseline: { name: '250k rows, same daily sums', value: small.memory.rssPeakMb },
        details: { rows1M: big.memory, rows250k: { ...small.memory, rows: small.result.rows.read } },
      },
    ];
  } finally {
    await server.close();
  }
}

export async function focusImport(flavours: readonly Flavour[]): Promise<Figure[]> {
  const temp = tempDir('focus');
  try {
    const file = path.join(temp.dir, 'focus-1m.csv.gz');
    const quarter = path.join(temp.dir, 'focus-250k.csv.gz');
    await writeFocusBenchFile(file, shape);
    await writeFocusBenchFile(quarter, quarterShape);
    const figures: Figure[] = [];
    for (const flavour of flavours) figures.push(...(await measureFlavour(flavour, file, quarter)));
    return figures;
  } finally {
    temp.remove();
  }
}
