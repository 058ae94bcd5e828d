import type { Queryable } from '../../../store/database.js';
import type { SeenAccount } from './tally.js';

/**
 * Records the sub-accounts an import saw, mapped or not, in its transaction: what the pattern
 * rules of a bulk mapping match (`src/server/billing/mapping-file/`). A name given before is kept
 * when a later file gives none.
 */
export async function recordSeenAccounts(tx: Queryable, importId: string, seenAt: Date, accounts: readonly SeenAccount[]): Promise<void> {
  if (accounts.length === 0) return;
  await tx.query(
    `INSERT INTO billing_seen_accounts (cloud, account, name, last_import_id, last_seen_at)
     SELECT cloud, account, name, $2, $3 FROM jsonb_to_recordset($1::jsonb) AS a(cloud text, account text, name text)
     ON CONFLICT (cloud, account) DO UPDATE
        SET name = CASE WHEN excluded.name = '' THEN billing_seen_accounts.name ELSE excluded.name END,
            last_import_id = excluded.last_import_id, last_seen_at = excluded.last_seen_at`,
    [JSON.stringify(accounts), importId, seenAt.toISOString()],
  );
}
