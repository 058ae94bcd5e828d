import { z } from 'zod';
import type { PublicBillingCloud } from '../../protocol/billing-import.js';
import type { Managers } from '../../protocol/commands/index.js';
import { AppError, isErrorKind, notFound, type ErrorKind } from '../../protocol/errors.js';
import * as events from '../../protocol/events/billing-import.js';
import { accountKey } from '../billing/focus/providers.js';
import { planMappings } from '../billing/mapping-file/plan.js';
import { readMappingFile } from '../billing/mapping-file/read.js';
import { pending } from '../pending-event.js';
import { BILLING_IMPORT_JOB, type BillingImportPayload, type BillingImportResult } from '../billing/focus/import-job.js';
import { openFocusSource } from '../billing/focus/source.js';
import { initiatorOf } from '../actor.js';
import { afterCommit } from '../after-commit.js';
import type { JobEngine } from '../jobs/engine.js';
import type { ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import * as q from '../queries/billing-import.js';
import { tenantRow, type TenantRow } from '../queries/organisation.js';

/** A mapping's audit scope: the account, in the tenant it is (or was) mapped to. */
const accountScope = (cloud: PublicBillingCloud, account: string, tenant: Pick<TenantRow, 'id' | 'customerId'>): EventScope => ({
  target: { id: `${cloud}/${account}`, name: account },
  customerId: tenant.customerId,
  tenantId: tenant.id,
});

export const billingAccounts: ManagerHandlers<Managers['billingAccounts']> = {
  async map(input, ctx) {
    const tenant = await tenantRow(ctx.db, input.tenant);
    const account = accountKey(input.cloud, input.account);
    const previous = await q.billingAccount(ctx.db, input.cloud, account);
    const name = input.name ?? previous?.name ?? '';
    await ctx.emit(
      events.billingAccountMapped,
      { cloud: input.cloud, account, name, tenantId: tenant.id, customerId: tenant.customerId },
      accountScope(input.cloud, account, tenant),
    );
    const mapped = (await q.billingAccount(ctx.db, input.cloud, account))!;
    return { ...mapped, previousTenant: previous && previous.tenant !== mapped.tenant ? previous.tenant : null };
  },
  /** Reads and checks the whole file (planMappings refuses it with every problem by line), then maps in the call's transaction. */
  async mapFile(input, ctx) {
    const plan = await planMappings(ctx.db, readMappingFile(input.content, input.format));
    if (!input.dryRun && plan.changes.length > 0) {
      await ctx.emitMany(
        plan.changes.map((change) =>
          pending(
            events.billingAccountMapped,
            { cloud: change.cloud, account: change.account, name: change.name, tenantId: change.tenant.id, customerId: change.tenant.customerId },
            accountScope(change.cloud, change.account, change.tenant),
          ),
        ),
      );
    }
    return {
      dryRun: input.dryRun,
      changes: plan.changes.map(({ tenant, line: _line, ...change }) => ({ ...change, tenant: tenant.name })),
      unchanged: plan.unchanged,
      rules: plan.rules,
    };
  },
  async unmap(input, ctx) {
    const account = accountKey(input.cloud, input.account);
    const mapped = await q.billingAccount(ctx.db, input.cloud, account);
    if (!mapped) throw notFound('billing account', `${input.cloud} ${account}`, 'list the mapped ones with `maestro admin billing-account describe`');
    const tenant = await tenantRow(ctx.db, mapped.tenant);
    await ctx.emit(
      events.billingAccountUnmapped,
      { cloud: input.cloud, account, tenantId: tenant.id },
      accountScope(input.cloud, account, tenant),
    );
    return { ok: true as const };
  },
  async describe(input, ctx) {
    const tenantId = input.tenant === undefined ? undefined : (await tenantRow(ctx.db, input.tenant)).id;
    return q.listBillingAccounts(ctx.db, { cloud: input.cloud, tenantId, account: input.account }, input);
  },
};

export const billingImports: ManagerHandlers<Managers['billingImports']> = {
  /**
   * Checks the path at once (a bad one is refused here), then enqueues the import as a job in
   * the call's transaction: it reads the file in chunks that let other calls through, and swaps
   * its figures in at the end in one short transaction (src/server/billing/focus/import-job.ts).
   */
  async import(input, ctx) {
    await openFocusSource(input.path);
    const payload: BillingImportPayload = {
      path: input.path,
      dryRun: input.dryRun,
      initiator: initiatorOf(ctx.actor),
      requestId: ctx.requestId,
    };
    const job = await ctx.services.jobs.enqueue({ type: BILLING_IMPORT_JOB, payload }, ctx.db);
    if (!input.wait) return { job: { id: job.id, status: 'pending' as const }, import: null };
    return afterCommit(async () => ({ job: { id: job.id, status: 'success' as const }, import: await importOutcome(ctx.services.jobs, job.id) }));
  },
  async describe(input, ctx) {
    return q.listBillingImports(ctx.db, input.id, input);
  },
};

const failure = z.object({ error: z.object({ kind: z.string().refine(isErrorKind), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) });

/** The summary of an ended import job, or the error it ended with (its own kind, as a call that imported in place gave). */
async function importOutcome(jobs: JobEngine, id: string): Promise<BillingImportResult> {
  const ended = await jobs.waitFor(id);
  if (ended?.status === 'success') return ended.result as BillingImportResult;
  const known = failure.safeParse(ended?.progress);
  if (known.success) {
    const { kind, message, details } = known.data.error;
    throw new AppError(kind as ErrorKind, message, details);
  }
  throw new AppError('unavailable', `the import job ${id} failed (${ended?.error ?? 'it no longer exists'}); \`maestro admin job describe --id ${id}\` tells more, \`maestro admin job retry --id ${id}\` runs it again`, { job: id });
}
