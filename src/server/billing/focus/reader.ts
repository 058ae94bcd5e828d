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

/**
 * Reads a FOCUS file in one pass, row by row as it streams in: the first row is the header,
 * every other row is validated, then either rejected, reported under its unknown sub-account,
 * or spread over its days into the tenant's daily costs. Nothing keeps a row once it is counted.
 */
export async function readFocusFile(source: FocusSource, tenantOf: TenantOf): Promise<FocusReading> {
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
  for await (const text of readText(source)) parser.push(text);
  parser.end();
  if (validator === null) throw notFocusFile('it has no header row');
  return { tally, costs };
}
