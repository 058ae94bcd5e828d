import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a figure must reach: a ratio to its baseline, or a bound on the value itself. */
export type Target =
  | { kind: 'ratio-at-least'; value: number }
  /** For times: the value may be at most this many times its baseline. */
  | { kind: 'ratio-at-most'; value: number }
  | { kind: 'at-least'; value: number }
  | { kind: 'at-most'; value: number };

/** One measured figure, with the baseline measured beside it in the same run. */
export interface Figure {
  benchmark: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  target?: Target;
  /** Latencies, counts, phases: whatever helps reading the figure. */
  details?: Record<string, unknown>;
}

export interface ReportedFigure extends Figure {
  ratio: number | null;
  met: boolean | null;
}

export function evaluate(figure: Figure): ReportedFigure {
  const ratio = figure.baseline && figure.baseline.value > 0 ? figure.value / figure.baseline.value : null;
  let met: boolean | null = null;
  if (figure.target?.kind === 'ratio-at-least') met = ratio !== null && ratio >= figure.target.value;
  if (figure.target?.kind === 'ratio-at-most') met = ratio !== null && ratio <= figure.target.value;
  if (figure.target?.kind === 'at-least') met = figure.value >= figure.target.value;
  if (figure.target?.kind === 'at-most') met = figure.value <= figure.target.value;
  return { ...figure, ratio, met };
}

const number = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value >= 10 ? value.toFixed(1) : value.toFixed(2);

function targetText(figure: Figure): string {
  const t = figure.target;
  if (!t) return 'info';
  if (t.kind === 'ratio-at-least') return `ratio ≥ ${t.value}`;
  if (t.kind === 'ratio-at-most') return `ratio ≤ ${t.value}`;
  return `${t.kind === 'at-least' ? '≥' : '<'} ${number(t.value)} ${figure.unit}`;
}

export function table(figures: readonly ReportedFigure[]): string {
  const rows = [
    ['figure', 'value', 'baseline', 'ratio', 'target', 'met'],
    ...figures.map((f) => [
      f.name,
      `${number(f.value)} ${f.unit}`,
      f.baseline ? `${number(f.baseline.value)} (${f.baseline.name})` : '',
      f.ratio === null ? '' : f.ratio.toFixed(2),
      targetText(f),
      f.met === null ? '' : f.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function writeResults(file: string, content: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`);
  // Renamed into place, so a reader never sees half a file.
  renameSync(temp, file);
}

/** The middle sample (the upper one of an even count), as the A B B A benches report their sides. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
