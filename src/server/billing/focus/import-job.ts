import { z } from 'zod';
import type { Clock } from '../../../domain/clock.js';
import type { BillingImportSummary } from '../../../protocol/billing-import.js';
import { AppError } from '../../../protocol/errors.js';
import * as events from '../../../protocol/events/billing-import.js';
import type { Database } from '../../../store/database.js';
import type { EventOrigin, EventWriter } from '../../event-writer.js';
import type { JobEngine } from '../../jobs/engine.js';
import type { JobContext } from '../../jobs/registry.js';
import { accountTenants, listBillingImports } from '../../queries/billing-import.js';
import { ImportProgressReporter } from './import-progress.js';
import { clearAbandonedStages, clearStage, countPreviousEntries, stageCosts, swapInCosts, type Stage } from './public-costs.js';
import { readFocusFile } from './reader.js';
import { recordSeenAccounts } from './seen-accounts.js';
import { openFocusSource } from './source.js';

/** The job type of public billing imports (docs/billing-import.md). */
export const BILLING_IMPORT_JOB = 'billing.import';

export const billingImportPayload = z.object({
  path: z.string(),
  dryRun: z.boolean(),
  /** Who asked: the initiator of the `billing.imported` event. */
  initiator: z.object({
    id: z.string(),
    name: z.string(),
    typeURI: z.string(),
    address: z.string().optional(),
    agent: z.string().optional(),
  }),
  requestId: z.string().nullable(),
});
export type BillingImportPayload = z.output<typeof billingImportPayload>;

/** The job's result: the import's summary as `billingImports.import` answers it. */
export type BillingImportResult = BillingImportSummary & { importedBy: string; importedAt: string; dryRun: boolean };

export interface BillingImportDeps {
  db: Database;
  writer: EventWriter;
  clock: Clock;
  nodeName: string;
}

/** A bad file or a currency conflict fails the same way every time: no second attempt. */
const retryable = (error: unknown) => !(error instanceof AppError) || error.retryable;

/**
 * Registers the import job. Attempts are for restarts: a node killed mid-import loses its lease,
 * and another attempt (on any node) reads the file again from the start.
 */
export function registerBillingImportJob(engine: JobEngine, deps: BillingImportDeps): void {
  engine.register(BILLING_IMPORT_JOB, (payload, ctx) => runImport(payload, ctx, deps), {
    payload: billingImportPayload,
    maxAttempts: 3,
    backoffMs: 5_000,
    retryable,
  });
}

/**
 * One attempt: read the file in chunks (yielding between them, reporting progress), stage its
 * daily costs a batch at a time, then swap them in and record `billing.imported` in one short
 * transaction that this attempt's lease must still hold. The import's id is the job's.
 */
async function runImport(payload: BillingImportPayload, ctx: JobContext, deps: BillingImportDeps): Promise<BillingImportResult> {
  const { db, clock } = deps;
  const id = ctx.job.id;
  // An earlier attempt swapped in, then its node died before recording the job's success.
  const earlier = (await listBillingImports(db, id, { limit: 1 })).items[0];
  if (earlier) return { ...earlier, dryRun: false };

  const source = await openFocusSource(payload.path);
  const progress = new ImportProgressReporter(source, clock, (report) => ctx.progress(report));
  try {
    await progress.enter('reading');
    const { tally, costs } = await readFocusFile(source, await accountTenants(db), (read) => progress.update(read));
    const covered = tally.covered();
    const counted = { id, file: source.file, path: source.path, compression: source.compression, ...tally.counted() };
    const importedBy = payload.initiator.name;
    if (payload.dryRun) {
      const summary = { ...counted, replaced: { accountPeriods: covered.length, previousEntries: await countPreviousEntries(db, covered) }, dailyRecords: 0 };
      await progress.enter('done', { fileBytesRead: source.size, rows: summary.rows });
      return { ...summary, importedBy, importedAt: clock.now().toISOString(), dryRun: true };
    }

    await clearAbandonedStages(db);
    const stage: Stage = { jobId: id, attempt: ctx.job.attempts };
    try {
      await progress.enter('staging', { fileBytesRead: source.size, rows: tally.rows(), dailyCosts: { staged: 0, total: costs.size } });
      const stagedDays = await stageCosts(db, stage, costs.values(), (staged) => progress.update({ dailyCosts: { staged, total: costs.size } }));
      await progress.enter('swapping');
      const origin: EventOrigin = { initiator: payload.initiator, requestId: payload.requestId, observer: { typeURI: 'service/maestro', id: deps.nodeName } };
      const { summary, recorded } = await db.transaction(async (tx) => {
        if (!(await ctx.holdsLease(tx))) throw new Error('the import job lost its lease before swapping in; another attempt imports the file');
        const written = await swapInCosts(tx, id, stage, covered, stagedDays);
        await recordSeenAccounts(tx, id, clock.now(), tally.seenAccounts());
        const summary: BillingImportSummary = {
          ...counted,
          replaced: { accountPeriods: covered.length, previousEntries: written.previousEntries },
          dailyRecords: written.dailyRecords,
        };
        const recorded = await deps.writer.append(tx, [deps.writer.build(events.billingImported, summary, { target: { id, name: source.file } }, origin)]);
        return { summary, recorded };
      });
      await deps.writer.committed(recorded);
      await progress.enter('done');
      return { ...summary, importedBy, importedAt: recorded[0]!.time, dryRun: false };
    } finally {
      await clearStage(db, stage);
    }
  } catch (error) {
    // Kept with the job, so a caller waiting for it gets the same error as the call used to give.
    if (error instanceof AppError) {
      await progress.enter('failed', { error: { kind: error.kind, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    }
    throw error;
  }
}
