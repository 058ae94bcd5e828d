import { z } from 'zod';
import { billingImportSummary, type BillingImportSummary, type PublicBillingCloud } from '../../protocol/billing-import.js';
import type { Queryable } from '../../store/database.js';
import { decodeCursor, decodeUuidCursor, pageOf } from './paging.js';
import type { Page, PageRequest } from './organisation.js';

/** Reads of the billing sub-account mappings and the import records (both projections). */

export interface BillingAccountView {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
  tenant: string;
  customer: string;
  mappedAt: string;
}

const accountSelect = `SELECT b.cloud, b.account, b.name, t.name AS tenant, c.name AS customer, b.mapped_at AS "mappedAt"
  FROM billing_accounts b JOIN tenants t ON t.id = b.tenant_id JOIN customers c ON c.id = b.customer_id`;

export async function billingAccount(db: Queryable, cloud: PublicBillingCloud, account: string): Promise<BillingAccountView | undefined> {
  const { rows } = await db.query<BillingAccountView>(`${accountSelect} WHERE b.cloud = $1 AND b.account = $2`, [cloud, account]);
  return rows[0];
}

export async function listBillingAccounts(
  db: Queryable,
  filter: { cloud?: PublicBillingCloud | undefined; tenantId?: string | undefined; account?: string | undefined },
  request: PageRequest,
): Promise<Page<BillingAccountView>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.cloud !== undefined) add((p) => `b.cloud = ${p}`, filter.cloud);
  if (filter.tenantId !== undefined) add((p) => `b.tenant_id = ${p}`, filter.tenantId);
  // Case does not matter in a filter (Azure ids are stored lower case, the others have none).
  if (filter.account !== undefined) add((p) => `lower(b.account) = lower(${p})`, filter.account);
  // The cursor is the last (cloud, account); clouds hold no '/'.
  const after = decodeCursor(request.cursor);
  if (after !== null) {
    const slash = after.indexOf('/');
    params.push(after.slice(0, slash), after.slice(slash + 1));
    where.push(`(b.cloud, b.account) > ($${params.length - 1}, $${params.length})`);
  }
  params.push(request.limit + 1);
  const { rows } = await db.query<BillingAccountView>(
    `${accountSelect} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.cloud, b.account LIMIT $${params.length}`,
    params,
  );
  return pageOf(rows, request.limit, (item) => `${item.cloud}/${item.account}`);
}

/** Every mapping at once, for an import to look each row's sub-account up: its tenant id, if mapped. */
export async function accountTenants(db: Queryable): Promise<(cloud: PublicBillingCloud, account: string) => string | undefined> {
  const { rows } = await db.query<{ cloud: string; account: string; tenantId: string }>(
    'SELECT cloud, account, tenant_id AS "tenantId" FROM billing_accounts',
  );
  const byAccount = new Map(rows.map((row) => [`${row.cloud}\u0001${row.account}`, row.tenantId]));
  return (cloud, account) => byAccount.get(`${cloud}\u0001${account}`);
}

/**
 * An import record's summary as stored. Imports recorded before totals were summed exactly carry
 * their amounts as JSON numbers (rounded to six places) in their events, and so in their records
 * after a rebuild: they are read into today's form, decimal text, with the digits they have.
 */
const storedAmount = z.union([z.string(), z.number().transform(String)]);
const storedSummary = billingImportSummary.extend({
  totals: z.array(z.object({ currency: z.string(), effectiveCost: storedAmount, billedCost: storedAmount.nullable() })),
  unknownAccounts: z.array(
    billingImportSummary.shape.unknownAccounts.element.extend({ costs: z.array(z.object({ currency: z.string(), cost: storedAmount })) }),
  ),
});

export type BillingImportView = BillingImportSummary & { importedBy: string; importedAt: string };

/** Imports, newest first: their ids are UUID v7, ordered by time. */
export async function listBillingImports(db: Queryable, id: string | undefined, request: PageRequest): Promise<Page<BillingImportView>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (id !== undefined) {
    params.push(id);
    where.push(`id = $${params.length}`);
  }
  const after = decodeUuidCursor(request.cursor);
  if (after !== null) {
    params.push(after);
    where.push(`id < $${params.length}`);
  }
  params.push(request.limit + 1);
  const { rows } = await db.query<{ summary: unknown; importedBy: string; importedAt: string }>(
    `SELECT summary, imported_by AS "importedBy", imported_at AS "importedAt" FROM billing_imports
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.map((row) => ({ ...storedSummary.parse(row.summary), importedBy: row.importedBy, importedAt: row.importedAt }));
  return pageOf(items, request.limit, (item) => item.id);
}
