import { isRecord } from './flag-parsers.js';

/**
 * How far a job is, read from the `progress` it reports (jobs.describe), for a progress bar.
 * Understood shapes: a billing import's (phase; fileBytesRead of fileBytes while reading, with
 * rows.read and rowsPerSecond; dailyCosts staged of total while staging), and the plain
 * `{ done, total }` any job may report.
 */
export interface ProgressView {
  phase: string;
  value: number;
  total: number;
  /** Counts and rate, e.g. `450,000 rows, 120,000 rows/s`. */
  detail: string;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

export function progressView(progress: unknown): ProgressView | undefined {
  if (!isRecord(progress)) return undefined;
  const phase = typeof progress.phase === 'string' ? progress.phase : 'working';
  const rows = isRecord(progress.rows) && isCount(progress.rows.read) ? progress.rows.read : undefined;
  const rate = isCount(progress.rowsPerSecond) ? progress.rowsPerSecond : undefined;
  const rowText = [rows !== undefined ? `${count(rows)} rows` : '', rate !== undefined ? `${count(rate)} rows/s` : ''].filter(Boolean).join(', ');
  const staged = isRecord(progress.dailyCosts) ? progress.dailyCosts : undefined;
  if (phase === 'staging' && staged && isCount(staged.staged) && isCount(staged.total)) {
    return { phase, value: staged.staged, total: staged.total, detail: `${count(staged.staged)}/${count(staged.total)} daily costs${rowText ? `, ${rowText}` : ''}` };
  }
  if (isCount(progress.fileBytesRead) && isCount(progress.fileBytes)) {
    const size = `${megabytes(progress.fileBytesRead)}/${megabytes(progress.fileBytes)} MB`;
    return { phase, value: progress.fileBytesRead, total: progress.fileBytes, detail: rowText ? `${rowText}, ${size}` : size };
  }
  if (isCount(progress.done) && isCount(progress.total)) {
    return { phase, value: progress.done, total: progress.total, detail: `${count(progress.done)}/${count(progress.total)}` };
  }
  return undefined;
}
