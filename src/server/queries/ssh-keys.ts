import type { SshKey } from '../../protocol/commands/compute-schemas.js';
import { notFound } from '../../protocol/errors.js';
import { nameContains } from './name-search.js';
import type { Queryable } from '../../store/database.js';

/** An SSH key as handlers need it. */
export interface SshKeyRow {
  id: string;
  tenantId: string;
  name: string;
  publicKey: string;
  fingerprint: string;
  ownerId: string | null;
}

/** The key of that name in the tenant, or null. Names are compared exactly, as the unique constraint does. */
export async function findSshKey(db: Queryable, tenantId: string, name: string): Promise<SshKeyRow | null> {
  const { rows } = await db.query<SshKeyRow>(
    `SELECT id, tenant_id AS "tenantId", name, public_key AS "publicKey", fingerprint, owner_id AS "ownerId"
       FROM ssh_keys WHERE tenant_id = $1 AND name = $2`,
    [tenantId, name],
  );
  return rows[0] ?? null;
}

export async function sshKeyRow(db: Queryable, tenantId: string, name: string): Promise<SshKeyRow> {
  const row = await findSshKey(db, tenantId, name);
  if (!row) throw notFound('SSH key', name, 'list the keys of the tenant with `maestro ssh-keys describe`');
  return row;
}

const sshKeySelect = `SELECT k.id, k.name, t.name AS tenant, k.fingerprint, k.public_key AS "publicKey", u.name AS owner,
  k.created_at AS "createdAt"
  FROM ssh_keys k
  JOIN tenants t ON t.id = k.tenant_id
  LEFT JOIN users u ON u.id = k.owner_id`;

export async function sshKeyView(db: Queryable, id: string): Promise<SshKey> {
  const { rows } = await db.query<SshKey>(`${sshKeySelect} WHERE k.id = $1`, [id]);
  return rows[0]!;
}

/** A tenant's keys by name, or the one of that name. */
export async function listSshKeys(
  db: Queryable,
  query: { tenantId: string; name?: string | undefined; search?: string | undefined },
): Promise<{ items: SshKey[] }> {
  const params: unknown[] = [query.tenantId];
  let where = 'k.tenant_id = $1';
  if (query.name !== undefined) {
    params.push(query.name);
    where += ` AND k.name = $${params.length}`;
  }
  if (query.search !== undefined) {
    params.push(query.search);
    where += ` AND ${nameContains('k.name', `$${params.length}`)}`;
  }
  const { rows } = await db.query<SshKey>(`${sshKeySelect} WHERE ${where} ORDER BY k.name, k.id`, params);
  return { items: rows };
}
