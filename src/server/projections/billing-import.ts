import type { BillingImportSummary } from '../../protocol/billing-import.js';
import * as events from '../../protocol/events/billing-import.js';
import { entityProjection } from '../../store/projection.js';

/**
 * The sub-account mappings and the import records. The daily costs and records an import
 * writes are its output, not a projection: a rebuild leaves them as they are.
 */
interface BillingAccountRow {
  cloud: string;
  account: string;
  name: string;
  tenantId: string;
  customerId: string;
  mappedAt: string;
}

const billingAccounts = entityProjection<BillingAccountRow>({
  name: 'billing_accounts',
  table: { table: 'billing_accounts', columns: ['cloud', 'account', 'name', 'tenantId', 'customerId', 'mappedAt'], key: ['cloud', 'account'] },
  reducers: (on) => [
    on.set(events.billingAccountMapped, (d) => ({ cloud: d.cloud, account: d.account }), (d, e) => ({ ...d, mappedAt: e.time })),
    on.remove(events.billingAccountUnmapped, (d) => ({ cloud: d.cloud, account: d.account })),
  ],
});

interface BillingImportRow {
  id: string;
  file: string;
  importedBy: string;
  importedAt: string;
  summary: BillingImportSummary;
}

const billingImports = entityProjection<BillingImportRow>({
  name: 'billing_imports',
  table: { table: 'billing_imports', columns: ['id', 'file', 'importedBy', 'importedAt', 'summary'], key: ['id'] },
  reducers: (on) => [
    on.set(
      events.billingImported,
      (d) => ({ id: d.id }),
      (d, e) => ({ id: d.id, file: d.file, importedBy: e.initiator.name, importedAt: e.time, summary: d }),
    ),
  ],
});

export const billingImportProjections = [billingAccounts, billingImports];
