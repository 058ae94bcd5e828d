import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MaestroClient } from '../../src/sdk/client.js';
import type { Queryable } from '../../src/store/database.js';
import { focusCsv, writeFocusFile, type FocusRow } from '../support/focus.js';

/** A throw-away directory, as on-premise deployments drop exports in one. */
export function exportDirectory(): { file(name: string, rows: readonly FocusRow[], options?: Parameters<typeof focusCsv>[1]): string; text(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-focus-'));
  return {
    file: (name, rows, options) => writeFocusFile(path.join(dir, name), focusCsv(rows, options)),
    text: (name, text) => writeFocusFile(path.join(dir, name), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PublicRecord {
  day: string;
  cloud: string;
  region: string;
  service: string;
  tags: Record<string, string>;
  cost: number;
  currency: string;
}

/** A tenant's public daily records, in a stable order. */
export async function publicRecords(db: Queryable, tenant: string): Promise<PublicRecord[]> {
  const { rows } = await db.query<PublicRecord & { cost: string }>(
    `SELECT d.day::text AS day, d.cloud, d.region, d.service, d.tags, d.cost, d.currency
       FROM daily_tenant_records d JOIN tenants t ON t.id = d.tenant_id
      WHERE d.source = 'public' AND t.name = $1 ORDER BY 1, 2, 3, 4, d.tags_key`,
    [tenant.toUpperCase()],
  );
  return rows.map((row) => ({ ...row, cost: Number(row.cost) }));
}

/** The sum of a tenant's public daily records, rounded to the cent's millionth. */
export async function publicTotal(db: Queryable, tenant: string): Promise<number> {
  const records = await publicRecords(db, tenant);
  return Number(records.reduce((sum, r) => sum + r.cost, 0).toFixed(6));
}

/**
 * Imports a file and waits for the import's job to end, as `--wait` does: its summary, or the
 * error it ended with (of the kind the import gives: invalid_input for a bad file …).
 */
export async function importFocus(client: MaestroClient, input: { path: string; dryRun?: boolean }) {
  const answer = await client.billingImports.import({ ...input, wait: true });
  if (answer.job.status !== 'success' || answer.import === null) throw new Error(`the import job ended ${answer.job.status} without a summary`);
  return answer.import;
}
