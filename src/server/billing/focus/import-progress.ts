import type { Clock } from '../../../domain/clock.js';
import type { BillingImportSummary } from '../../../protocol/billing-import.js';
import type { ErrorKind } from '../../../protocol/errors.js';
import type { FocusSource } from './source.js';

/**
 * What a running import tells `jobs.describe` (the job's `progress`): its phase, the rows and
 * bytes read so far and the rate. Phases: reading the file, staging its daily costs, swapping
 * them in (one transaction), then done, or failed with the error's kind and message.
 */
export interface ImportProgress {
  phase: 'reading' | 'staging' | 'swapping' | 'done' | 'failed';
  file: string;
  fileBytes: number;
  fileBytesRead: number;
  rows: BillingImportSummary['rows'];
  dailyCosts: { staged: number; total: number } | null;
  startedAt: string;
  updatedAt: string;
  /** Rows read per second since the job started (null until time has passed). */
  rowsPerSecond: number | null;
  /** Seconds each phase took, once it ended. */
  phaseSeconds: Partial<Record<'reading' | 'staging' | 'swapping', number>>;
  error?: { kind: ErrorKind; message: string; details?: Record<string, unknown> };
}

/** Between two reports while a phase goes on: often enough to watch, rarely enough to cost nothing. */
const REPORT_EVERY_MS = 250;

const noRows: BillingImportSummary['rows'] = { read: 0, accepted: 0, rejected: 0, imported: 0, unmapped: 0 };

/** Keeps an import's progress and writes it through `write` (the job's lease) when it is worth it. */
export class ImportProgressReporter {
  #progress: ImportProgress;
  #reportedAt = 0;
  #phaseStarted: number;
  readonly #started: number;

  constructor(
    source: FocusSource,
    private readonly clock: Clock,
    private readonly write: (progress: ImportProgress) => Promise<unknown>,
  ) {
    this.#started = clock.now().getTime();
    const startedAt = new Date(this.#started).toISOString();
    this.#progress = {
      phase: 'reading',
      file: source.file,
      fileBytes: source.size,
      fileBytesRead: 0,
      rows: noRows,
      dailyCosts: null,
      startedAt,
      updatedAt: startedAt,
      rowsPerSecond: null,
      phaseSeconds: {},
    };
    this.#phaseStarted = this.#started;
  }

  /** A change within the phase: written if the last report is old enough. */
  async update(change: Partial<ImportProgress>): Promise<void> {
    this.#apply(change);
    if (this.clock.now().getTime() - this.#reportedAt >= REPORT_EVERY_MS) await this.#report();
  }

  /** A new phase (or the end): always written. */
  async enter(phase: ImportProgress['phase'], change: Partial<ImportProgress> = {}): Promise<void> {
    const now = this.clock.now().getTime();
    const ended = this.#progress.phase;
    if (ended !== phase && ended !== 'done' && ended !== 'failed') {
      change = { ...change, phaseSeconds: { ...this.#progress.phaseSeconds, [ended]: (now - this.#phaseStarted) / 1000 } };
    }
    this.#phaseStarted = now;
    this.#apply({ ...change, phase });
    await this.#report();
  }

  #apply(change: Partial<ImportProgress>): void {
    const now = this.clock.now().getTime();
    const seconds = (now - this.#started) / 1000;
    const rows = change.rows ?? this.#progress.rows;
    this.#progress = {
      ...this.#progress,
      ...change,
      updatedAt: new Date(now).toISOString(),
      rowsPerSecond: seconds > 0 ? Math.round(rows.read / seconds) : null,
    };
  }

  async #report(): Promise<void> {
    this.#reportedAt = this.clock.now().getTime();
    await this.write(this.#progress);
  }
}
