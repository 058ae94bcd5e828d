import type { BillingImportSummary, PublicBillingCloud } from '../../protocol/billing-import.js';
import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/billing-import.js';
import { uuidv7 } from '../../protocol/ids.js';
import { accountKey } from '../billing/focus/providers.js';
import { countPreviousEntries, replacePublicCosts } from '../billing/focus/public-costs.js';
import { readFocusFile } from '../billing/focus/reader.js';
import { openFocusSource } from '../billing/focus/source.js';
import type { ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import * as q from '../queries/billing-import.js';
import { tenantRow, type TenantRow } from '../queries/organisation.js';

/** A mapping's audit scope: the account, in the tenant it is (or was) mapped to. */
const accountScope = (cloud: PublicBillingCloud, account: string, tenant: TenantRow): EventScope => ({
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
   * Reads the whole file before writing anything, then replaces its sub-account billing periods
   * and records the import, all in the call's transaction: a file that fails half-way (truncated
   * gzip, a currency conflict) leaves every earlier figure as it was.
   */
  async import(input, ctx) {
    const source = await openFocusSource(input.path);
    const { tally, costs } = await readFocusFile(source, await q.accountTenants(ctx.db));
    const covered = tally.covered();
    const id = uuidv7(ctx.services.clock.now().getTime());
    const written = input.dryRun
      ? { previousEntries: await countPreviousEntries(ctx.db, covered), dailyRecords: 0 }
      : await replacePublicCosts(ctx.db, id, covered, costs.values());
    const summary: BillingImportSummary = {
      id,
      file: source.file,
      path: source.path,
      compression: source.compression,
      ...tally.counted(),
      replaced: { accountPeriods: covered.length, previousEntries: written.previousEntries },
      dailyRecords: written.dailyRecords,
    };
    const importedBy = ctx.actor.name;
    if (input.dryRun) return { ...summary, importedBy, importedAt: ctx.services.clock.now().toISOString(), dryRun: true };
    const event = await ctx.emit(events.billingImported, summary, { target: { id, name: source.file } });
    return { ...summary, importedBy, importedAt: event.time, dryRun: false };
  },
  async describe(input, ctx) {
    return q.listBillingImports(ctx.db, input.id, input);
  },
};
