import { isRecord } from '../../core/rpc-error';

/** The billing.report command's choices and answer, and what the page draws from it. */
export const reportKinds = ['total', 'subtotal', 'resource', 'hourly', 'tag'] as const;
export type ReportKind = (typeof reportKinds)[number];
export const kindLabels: Record<ReportKind, string> = {
  total: 'Total',
  subtotal: 'Subtotal',
  resource: 'Per resource',
  hourly: 'Hourly',
  tag: 'By tag',
};
export const groupings = ['region', 'tenant', 'cloud', 'service'] as const;
export const periods = ['all', 'day', 'week', 'month'] as const;
export const resourceTypes = ['instance', 'volume', 'image', 'snapshot', 'service', 'publicIp'] as const;
/** The server's limit on a report's span. */
export const maxReportDays = 400;

export type ReportRow = Record<string, string | number | null>;

export interface Report {
  kind: ReportKind;
  from: string;
  to: string;
  columns: string[];
  rows: ReportRow[];
  totals: { currency: string; cost: string }[];
}

export function reportFrom(answer: unknown): Report {
  if (!isRecord(answer) || !Array.isArray(answer['columns']) || !Array.isArray(answer['rows'])) {
    throw new Error('The server answered billing.report without columns and rows; the console and server versions may differ.');
  }
  return {
    kind: answer['kind'] as ReportKind,
    from: String(answer['from'] ?? ''),
    to: String(answer['to'] ?? ''),
    columns: answer['columns'].map(String),
    rows: answer['rows'].filter(isRecord) as ReportRow[],
    totals: (Array.isArray(answer['totals']) ? answer['totals'] : []).filter(isRecord).map((total) => ({
      currency: String(total['currency']),
      cost: String(total['cost']),
    })),
  };
}

/** A day as the date input and the server read it (YYYY-MM-DD, UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export interface PeriodPreset {
  id: string;
  label: string;
  range: (today: Date) => { from: string; to: string };
}

const utc = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day));

export const periodPresets: readonly PeriodPreset[] = [
  { id: 'this-month', label: 'This month', range: (t) => ({ from: isoDay(utc(t.getUTCFullYear(), t.getUTCMonth(), 1)), to: isoDay(t) }) },
  {
    id: 'last-month',
    label: 'Last month',
    range: (t) => ({ from: isoDay(utc(t.getUTCFullYear(), t.getUTCMonth() - 1, 1)), to: isoDay(utc(t.getUTCFullYear(), t.getUTCMonth(), 0)) }),
  },
  { id: 'last-30-days', label: 'Last 30 days', range: (t) => ({ from: isoDay(utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - 29)), to: isoDay(t) }) },
  { id: 'this-year', label: 'This year', range: (t) => ({ from: isoDay(utc(t.getUTCFullYear(), 0, 1)), to: isoDay(t) }) },
];

/** Why the chosen days cannot make a report, or null; said before asking the server. */
export function rangeProblem(from: string, to: string): string | null {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start)) return 'Choose the first day of the report.';
  if (Number.isNaN(end)) return 'Choose the last day of the report.';
  if (start > end) return 'The first day must not be after the last day.';
  if ((end - start) / 86_400_000 > maxReportDays) return `A report covers at most ${maxReportDays} days; choose a shorter period.`;
  return null;
}

/** At most this many bars (the most costly); the table and the CSV keep every row. */
const maxBars = 30;

export interface ChartSeries {
  type: 'bar' | 'line';
  labels: string[];
  /** One dataset per currency: a report mixing currencies never adds them up. */
  datasets: { label: string; data: (number | null)[] }[];
  /** Rows left out of the chart (shown as a note). */
  omitted: number;
}

/** The label of a row on the chart: the columns that are neither currency nor amounts. */
function labelOf(report: Report, row: ReportRow): string {
  if (report.kind === 'resource') return String(row['name'] ?? row['resourceId'] ?? '');
  if (report.kind === 'tag') return row['tagValue'] === null || row['tagValue'] === undefined ? `${String(row['tagKey'] ?? '')} (untagged)` : String(row['tagValue']);
  const keys = report.columns.filter((column) => !['currency', 'cost', 'billedHours'].includes(column));
  if (keys.length === 0) return 'Total';
  return keys.map((key) => (row[key] === null || row[key] === undefined ? '—' : String(row[key]))).join(' · ');
}

export function chartSeriesOf(report: Report): ChartSeries {
  const overTime = report.kind === 'hourly' || (report.columns.includes('period') && report.kind === 'total');
  let rows = report.rows;
  let omitted = 0;
  if (!overTime && rows.length > maxBars) {
    rows = [...rows].sort((a, b) => Number(b['cost']) - Number(a['cost'])).slice(0, maxBars);
    omitted = report.rows.length - rows.length;
  }
  const labels: string[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const label = labelOf(report, row);
    if (!seen.has(label)) {
      seen.set(label, labels.length);
      labels.push(label);
    }
  }
  const currencies = [...new Set(rows.map((row) => String(row['currency'] ?? '')))];
  const datasets = currencies.map((currency) => {
    const data: (number | null)[] = labels.map(() => null);
    for (const row of rows) {
      if (String(row['currency'] ?? '') !== currency) continue;
      const index = seen.get(labelOf(report, row))!;
      data[index] = (data[index] ?? 0) + Number(row['cost'] ?? 0);
    }
    return { label: currency || 'cost', data };
  });
  return { type: overTime ? 'line' : 'bar', labels, datasets, omitted };
}
