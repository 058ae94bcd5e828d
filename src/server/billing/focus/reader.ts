import { setImmediate } from 'node:timers/promises';
import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import { DailyCostAggregator } from './aggregator.js';
import { notFocusFile, resolveHeader } from './columns.js';
import { CsvParser } from './csv.js';
import { readText, type FocusSource } from './source.js';
import { ImportTally } from './tally.js';
import { RowValidator } from './validator.js';

/** The tenant a sub-account is mapped to, if any. */
export type TenantOf = (cloud: PublicBillingCloud, account: string) => string | undefined;

export interface FocusReading {
  tally: ImportTally;
  costs: DailyCostAggregator;
}

/** How far a reading has gone, after each chunk of the file. */
export interface ReadingProgress {
  rows: ReturnType<ImportTally['rows']>;
  /** Bytes of the file read so far (compressed for .csv.gz), against `source.size`. */
  fileBytesRead: number;
}

/**
 * Reads a FOCUS file in one pass, row by row as it streams in: the first row is the header,
 * every other row is validated, then either rejected, reported under its unknown sub-account,
 * or spread over its days into the tenant's daily costs. Nothing keeps a row once it is counted.
 *
 * A million rows take seconds of CPU, and the server's other calls must not wait for them: the
 * reading hands the event loop back once it has worked for TURN_MS (checked after each slice of
 * some hundred rows), and `afterChunk` hears how far it has gone after each chunk of the file (1 MiB).
 */
export async function readFocusFile(
  source: FocusSource,
  tenantOf: TenantOf,
  afterChunk: (progress: ReadingProgress) => Promise<void> | void = () => undefined,
): Promise<FocusReading> {
  const tally = new ImportTally();
  const costs = new DailyCostAggregator();
  let validator: RowValidator | null = null;
  const parser = new CsvParser({
    record(fields, line) {
      if (validator === null) {
        validator = new RowValidator(resolveHeader(fields));
        return;
      }
      const item = validator.validate(fields);
      if (Array.isArray(item)) return tally.rejected(line, item);
      const tenantId = tenantOf(item.cloud, item.account);
      if (tenantId === undefined) return tally.unmapped(item);
      tally.imported(item);
      costs.add(item, tenantId);
    },
    malformed(line, problem) {
      if (validator === null) throw notFocusFile(`its header row (line ${line}) is not valid CSV: ${problem}`);
      tally.rejected(line, [{ reason: `the row is not valid CSV: ${problem}` }]);
    },
  });
  let fileBytesRead = 0;
  let turnStarted = performance.now();
  for await (const text of readText(source, (bytes) => (fileBytesRead = bytes))) {
    for (const slice of slices(text)) {
      parser.push(slice);
      if (performance.now() - turnStarted >= TURN_MS) {
        // Other calls' next steps run here. Awaiting a stream whose next chunk is buffered would not let them.
        await setImmediate();
        turnStarted = performance.now();
      }
    }
    await afterChunk({ rows: tally.rows(), fileBytesRead });
  }
  parser.end();
  if (validator === null) throw notFocusFile('it has no header row');
  return { tally, costs };
}

/**
 * How long the reading works before other calls' waiting steps run: each step of a call waits at
 * most this long, and the import keeps most of the CPU while calls keep coming.
 */
const TURN_MS = 10;
/** The text parsed between two looks at the time: some hundred rows, cut after a line end where there is one. */
const SLICE_CHARS = 32 * 1024;

function* slices(text: string): Generator<string> {
  let at = 0;
  while (text.length - at > SLICE_CHARS) {
    const lf = text.lastIndexOf('\n', at + SLICE_CHARS);
    const end = lf > at ? lf + 1 : at + SLICE_CHARS;
    yield text.slice(at, end);
    at = end;
  }
  if (at < text.length) yield at === 0 ? text : text.slice(at);
}
