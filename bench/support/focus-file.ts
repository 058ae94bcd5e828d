// A large FOCUS export shaped like a real one: resources that each bill every hour of a month
// with fixed account, region, service and tags, plus one monthly charge per account that spreads
// over the month. Streamed to a gzip file, so that the generator holds no rows either. A file
// that bills only every n-th hour has fewer rows but the same daily sums to keep in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { baseRow, csvField, csvLine, focusColumns, type FocusColumnName } from '../../test/support/focus.js';

export interface FocusFileShape {
  resources: number;
  /** 1: a row per resource and hour; 4: every fourth hour only (a quarter of the rows, the same days). */
  everyHours: number;
  accounts: number;
  /** Of the accounts, how many are mapped to no tenant (reported, not imported). */
  unknownAccounts: number;
}

export const accountId = (i: number) => String(100_000_000_000 + i);

const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1', 'sa-east-1', 'ca-central-1'];
const services = [
  'Amazon Elastic Compute Cloud',
  'Amazon Simple Storage Service',
  'Amazon Relational Database Service',
  'AWS Lambda',
  'Amazon CloudWatch',
  'Amazon Elastic Block Store',
  'Amazon DynamoDB',
  'Amazon Virtual Private Cloud',
  'Elastic Load Balancing',
  'Amazon Elastic Kubernetes Service',
];
const HOUR = 3_600_000;
const MONTH_START = Date.UTC(2026, 2, 1);
const MONTH_END = Date.UTC(2026, 3, 1);
const HOURS = (MONTH_END - MONTH_START) / HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The data rows a file of this shape has. */
export const rowsOf = (shape: FocusFileShape) => shape.accounts + shape.resources * Math.ceil(HOURS / shape.everyHours);

/** Writes the file; returns the sum of its EffectiveCost and its size as text. */
export async function writeFocusBenchFile(path: string, shape: FocusFileShape): Promise<{ effectiveCost: number; bytes: number }> {
  const gzip = createGzip();
  const out = createWriteStream(path);
  gzip.pipe(out);
  let bytes = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = async () => {
    if (!gzip.write(pending.join(''))) await once(gzip, 'drain');
    pending = [];
    pendingLength = 0;
  };
  const write = async (line: string) => {
    bytes += line.length;
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength > 1 << 20) await flush();
  };
  // The base row's fields quoted once; each row quotes only what it changes.
  const base = focusColumns.map((column) => csvField(baseRow[column]));
  const position = new Map(focusColumns.map((column, index) => [column, index]));
  const row = (values: Partial<Record<FocusColumnName, string>>) => {
    const fields = base.slice();
    for (const [column, value] of Object.entries(values)) fields[position.get(column as FocusColumnName)!] = csvField(value);
    return `${fields.join(',')}\n`;
  };

  await write(csvLine(focusColumns));
  let effectiveCost = 0;
  // One monthly charge per account (a support fee), spread over the month's days.
  for (let a = 0; a < shape.accounts; a++) {
    const cost = 30 + a;
    effectiveCost += cost;
    await write(row({ SubAccountId: accountId(a), SubAccountName: `account-${a}`, ServiceName: 'AWS Support', ChargeFrequency: 'Recurring',
      ChargePeriodStart: iso(MONTH_START), ChargePeriodEnd: iso(MONTH_END), EffectiveCost: String(cost), BilledCost: String(cost), RegionId: '', Tags: '' }));
  }
  for (let h = 0; h < HOURS; h += shape.everyHours) {
    const start = iso(MONTH_START + h * HOUR);
    const end = iso(MONTH_START + (h + 1) * HOUR);
    for (let r = 0; r < shape.resources; r++) {
      const a = r % shape.accounts;
      const cost = ((r % 97) + 1) / 1000;
      effectiveCost += cost;
      await write(row({
        SubAccountId: accountId(a),
        SubAccountName: `account-${a}`,
        RegionId: regions[r % regions.length],
        ServiceName: services[(r >> 3) % services.length],
        ResourceId: `i-${(0x1000000 + r).toString(16)}`,
        ResourceName: `resource-${r}`,
        ChargePeriodStart: start,
        ChargePeriodEnd: end,
        EffectiveCost: String(cost),
        BilledCost: String(cost),
        Tags: JSON.stringify({ env: ['prod', 'dev', 'test'][r % 3], team: `team-${r % 7}`, 'aws:createdBy': 'bench' }),
      }));
    }
  }
  await flush();
  gzip.end();
  await once(out, 'finish');
  return { effectiveCost, bytes };
}
