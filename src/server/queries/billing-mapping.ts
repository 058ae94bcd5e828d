import type { PublicBillingCloud } from '../../protocol/billing-import.js';
import type { Queryable } from '../../store/database.js';

/** Reads a bulk mapping needs: tenants by name, current mappings, sub-accounts seen and not mapped. */

export interface TenantRef {
  id: string;
  name: string;
  customerId: string;
}

export async function tenantsByName(db: Queryable, names: readonly string[]): Promise<Map<string, TenantRef>> {
  if (names.length === 0) return new Map();
  const { rows } = await db.query<TenantRef>('SELECT id, name, customer_id AS "customerId" FROM tenants WHERE name = ANY($1::text[])', [[...new Set(names)]]);
  return new Map(rows.map((row) => [row.name, row]));
}

export interface CurrentMapping {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
  tenant: string;
}

/** The key of a sub-account in the maps of a bulk mapping. */
export const mappingKey = (cloud: string, account: string) => `${cloud}/${account}`;

/** The mappings of the given sub-accounts, by mappingKey. */
export async function currentMappings(db: Queryable, keys: ReadonlyArray<{ cloud: string; account: string }>): Promise<Map<string, CurrentMapping>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<CurrentMapping>(
    `SELECT b.cloud, b.account, b.name, t.name AS tenant
       FROM billing_accounts b JOIN tenants t ON t.id = b.tenant_id
       JOIN jsonb_to_recordset($1::jsonb) AS k(cloud text, account text) ON k.cloud = b.cloud AND k.account = b.account`,
    [JSON.stringify(keys.map(({ cloud, account }) => ({ cloud, account })))],
  );
  return new Map(rows.map((row) => [mappingKey(row.cloud, row.account), row]));
}

export interface SeenAccountView {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
}

/** Sub-accounts that imports have seen and that no mapping holds: what pattern rules may map. */
export async function unmappedSeenAccounts(db: Queryable): Promise<SeenAccountView[]> {
  const { rows } = await db.query<SeenAccountView>(
    `SELECT s.cloud, s.account, s.name FROM billing_seen_accounts s
      WHERE NOT EXISTS (SELECT 1 FROM billing_accounts b WHERE b.cloud = s.cloud AND b.account = s.account)
      ORDER BY s.cloud, s.account`,
  );
  return rows;
}
