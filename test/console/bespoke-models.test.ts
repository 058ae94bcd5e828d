// The pure parts of the console's bespoke pages, without a browser: the CSV the Reporting page
// downloads, its chart series and period checks, the dashboard's quota bars and counts, and how
// the Jobs and nodes page reads a job's progress.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

// The console is its own TypeScript project (Angular, DOM, extension-less imports): the server's
// type-check must not compile its files, so they are imported by URL and typed here by what the
// tests call. tsx runs them as they are.
const consoleModule = <T>(path: string): Promise<T> => import(new URL(`../../console/src/app/pages/${path}`, import.meta.url).href) as Promise<T>;
type Row = Record<string, unknown>;
interface Series {
  type: string;
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  omitted: number;
}
const { toCsv } = await consoleModule<{ toCsv(columns: readonly string[], rows: readonly Row[]): string }>('bespoke-support/csv.ts');
const { chartSeriesOf, periodPresets, rangeProblem, reportFrom } = await consoleModule<{
  chartSeriesOf(report: unknown): Series;
  periodPresets: readonly { id: string; range(today: Date): { from: string; to: string } }[];
  rangeProblem(from: string, to: string): string | null;
  reportFrom(answer: unknown): unknown;
}>('reporting/report-model.ts');
const { amountsOf, instanceCountOf, monthStart, quotaBarsOf } = await consoleModule<{
  amountsOf(report: unknown): { currency: string; cost: string }[];
  instanceCountOf(facets: unknown): number;
  monthStart(now: Date): string;
  quotaBarsOf(monthly: unknown, daily: unknown, publicIps: unknown): { label: string; percent: number; text: string }[];
}>('dashboard/dashboard-data.ts');
const { ago, progressOf } = await consoleModule<{
  ago(iso: string, now: number): string;
  progressOf(progress: unknown): { percent: number | null; text: string };
}>('jobs-nodes/jobs-nodes-model.ts');

describe('the Reporting CSV', () => {
  test('has the columns as header, one CRLF line per row, and quotes what needs it', () => {
    const csv = toCsv(['name', 'cost', 'note'], [
      { name: 'web, front', cost: '1.5000000000', note: 'say "hi"' },
      { name: 'db', cost: -2, note: null },
    ]);
    assert.equal(csv, 'name,cost,note\r\n"web, front",1.5000000000,"say ""hi"""\r\ndb,-2,\r\n');
  });

  test('keeps a spreadsheet from running a cell as a formula, but leaves negative numbers as numbers', () => {
    const csv = toCsv(['name', 'cost'], [{ name: '=HYPERLINK("x")', cost: '-0.25' }, { name: '@sum', cost: '+1' }]);
    assert.equal(csv, 'name,cost\r\n"\'=HYPERLINK(""x"")",-0.25\r\n\'@sum,\'+1\r\n');
  });
});

describe('the Reporting model', () => {
  const report = (kind: string, columns: string[], rows: Record<string, unknown>[]) =>
    reportFrom({ kind, from: '2026-05-01', to: '2026-05-31', columns, rows, totals: [] });

  test('a subtotal draws one bar per group and one dataset per currency, never adding currencies up', () => {
    const series = chartSeriesOf(report('subtotal', ['region', 'currency', 'cost'], [
      { region: 'eu', currency: 'EUR', cost: '2.5' },
      { region: 'us', currency: 'USD', cost: '4' },
      { region: 'eu', currency: 'USD', cost: '1' },
    ]));
    assert.equal(series.type, 'bar');
    assert.deepEqual(series.labels, ['eu', 'us']);
    assert.deepEqual(series.datasets, [
      { label: 'EUR', data: [2.5, null] },
      { label: 'USD', data: [1, 4] },
    ]);
  });

  test('hourly costs and totals per period are lines; by tag names the untagged', () => {
    assert.equal(chartSeriesOf(report('hourly', ['hour', 'currency', 'cost'], [{ hour: '2026-05-01T00:00:00Z', currency: 'USD', cost: '1' }])).type, 'line');
    assert.equal(chartSeriesOf(report('total', ['period', 'currency', 'cost'], [{ period: '2026-05-01', currency: 'USD', cost: '1' }])).type, 'line');
    const byTag = chartSeriesOf(report('tag', ['tagKey', 'tagValue', 'currency', 'cost'], [
      { tagKey: 'team', tagValue: null, currency: 'USD', cost: '1' },
      { tagKey: 'team', tagValue: 'web', currency: 'USD', cost: '2' },
    ]));
    assert.deepEqual(byTag.labels, ['team (untagged)', 'web']);
  });

  test('charts the 30 most costly resources and says how many it left to the table', () => {
    const rows = Array.from({ length: 35 }, (_, i) => ({ resourceId: `r${i}`, name: `vm-${i}`, currency: 'USD', cost: String(i) }));
    const series = chartSeriesOf(report('resource', ['resourceId', 'name', 'currency', 'cost'], rows));
    assert.equal(series.labels.length, 30);
    assert.equal(series.omitted, 5);
    assert.equal(series.labels[0], 'vm-34');
    assert.ok(!series.labels.includes('vm-4'));
  });

  test('refuses an answer without columns and rows with a sentence', () => {
    assert.throws(() => reportFrom({ kind: 'total' }), /without columns and rows/);
  });

  test('checks the days before asking the server, as the server would', () => {
    assert.equal(rangeProblem('2026-05-01', '2026-05-31'), null);
    assert.match(rangeProblem('2026-06-01', '2026-05-31')!, /must not be after/);
    assert.match(rangeProblem('', '2026-05-31')!, /first day/);
    assert.match(rangeProblem('2025-01-01', '2026-05-31')!, /at most 400 days/);
  });

  test('period presets cover whole UTC months and days', () => {
    const today = new Date('2026-03-15T23:30:00Z');
    const range = (id: string) => periodPresets.find((preset) => preset.id === id)!.range(today);
    assert.deepEqual(range('this-month'), { from: '2026-03-01', to: '2026-03-15' });
    assert.deepEqual(range('last-month'), { from: '2026-02-01', to: '2026-02-28' });
    assert.deepEqual(range('last-30-days'), { from: '2026-02-14', to: '2026-03-15' });
    assert.deepEqual(range('this-year'), { from: '2026-01-01', to: '2026-03-15' });
  });
});

describe('the dashboard model', () => {
  test('the month starts on its first UTC day; spend shows each currency to the cent', () => {
    assert.equal(monthStart(new Date('2026-12-31T23:59:00Z')), '2026-12-01T00:00:00.000Z');
    assert.deepEqual(amountsOf({ totals: [{ currency: 'USD', cost: '12.3456789' }, { currency: 'EUR', cost: '0.004' }] }), [
      { currency: 'USD', cost: '12.35' },
      { currency: 'EUR', cost: '0.00' },
    ]);
  });

  test('running instances come from the facet count of the instance type', () => {
    assert.equal(instanceCountOf({ clouds: [], types: [{ type: 'volume', count: 4 }, { type: 'instance', count: 7 }] }), 7);
    assert.equal(instanceCountOf({ clouds: [], types: [] }), 0);
  });

  test('one quota bar per monthly quota, per limited daily amount and per public IP quota; over the limit shows full', () => {
    const bars = quotaBarsOf(
      { items: [{ scope: 'region', region: 'eu', spent: 150, limit: 100, currency: 'EUR' }] },
      { items: [{ region: 'eu', intervalHours: 24, limits: { instances: 10, cpu: null, ramGb: null, volumes: null, storageGb: 50 }, used: { instances: 3, storageGb: 5 } }] },
      { items: [{ region: null, limit: 4, held: 1 }] },
    );
    assert.deepEqual(bars.map((bar) => [bar.label, bar.percent, bar.text]), [
      ['Monthly spending · eu', 100, '150 of 100 EUR'],
      ['eu · instances per 24 h', 30, '3 of 10'],
      ['eu · GB storage per 24 h', 10, '5 of 50'],
      ['Public IPs · all regions', 25, '1 of 4'],
    ]);
  });
});

describe('the Jobs and nodes model', () => {
  test("a job's progress is a percent when it says how far it is, else its counts", () => {
    assert.deepEqual(progressOf({ percent: 42.4 }), { percent: 42, text: '42%' });
    assert.deepEqual(progressOf({ done: 3, total: 4 }), { percent: 75, text: '75%' });
    const reading = progressOf({ phase: 'reading', fileBytes: 1000, fileBytesRead: 250, rows: { read: 10, rejected: 1 }, rowsPerSecond: 99.6, dailyCosts: null });
    assert.deepEqual(reading, { percent: 25, text: 'reading · 25% · read 10, rejected 1 · 100 rows/s' });
    const staging = progressOf({ phase: 'staging', fileBytes: 1000, fileBytesRead: 1000, dailyCosts: { staged: 1, total: 4 } });
    assert.equal(staging.percent, 25);
    assert.deepEqual(progressOf({ pages: 3 }), { percent: null, text: 'pages=3' });
    assert.deepEqual(progressOf(null), { percent: null, text: 'no progress reported yet' });
  });

  test('heartbeat ages read in seconds, minutes or hours', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    assert.equal(ago('2026-05-01T11:59:48Z', now), '12 s ago');
    assert.equal(ago('2026-05-01T11:57:00Z', now), '3 min ago');
    assert.equal(ago('2026-05-01T09:00:00Z', now), '3 h ago');
    assert.equal(ago('not a time', now), '—');
  });
});
