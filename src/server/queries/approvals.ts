import type { OutputOf } from '../../protocol/command.js';
import type { Managers } from '../../protocol/commands/index.js';
import { notFound } from '../../protocol/errors.js';
import type { ApprovalState } from '../../protocol/quotas.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';

type ApprovalView = OutputOf<Managers['approvals']['approve']>;

/** A held request as the code deciding and running it needs it. */
export interface ApprovalRow {
  id: string;
  tenantId: string;
  tenant: string;
  customerId: string;
  command: string;
  input: Record<string, unknown>;
  requesterId: string | null;
  requesterName: string;
  state: ApprovalState;
}

const rowSelect = `SELECT a.id, a.tenant_id AS "tenantId", t.name AS tenant, t.customer_id AS "customerId", a.command, a.input,
  a.requester_id AS "requesterId", a.requester_name AS "requesterName", a.state
  FROM approvals a JOIN tenants t ON t.id = a.tenant_id`;

/**
 * The request, locked until the transaction ends: deciding, running and failing it take turns,
 * so each happens once whichever node and caller come together.
 */
export async function lockApproval(tx: Queryable, id: string, tenantId?: string): Promise<ApprovalRow> {
  const { rows } = await tx.query<ApprovalRow>(`${rowSelect} WHERE a.id = $1 AND ($2::uuid IS NULL OR a.tenant_id = $2::uuid) FOR UPDATE OF a`, [
    id,
    tenantId ?? null,
  ]);
  if (!rows[0]) throw notFound('approval request', id, 'list them with `maestro approvals describe`');
  return rows[0];
}

/** Approved requests Maestro has yet to run, oldest first. */
export async function approvedRequests(db: Queryable): Promise<ApprovalRow[]> {
  const { rows } = await db.query<ApprovalRow>(`${rowSelect} WHERE a.state = 'approved' ORDER BY a.id`);
  return rows;
}

export async function approvalState(db: Queryable, id: string): Promise<ApprovalState | null> {
  const { rows } = await db.query<{ state: ApprovalState }>('SELECT state FROM approvals WHERE id = $1', [id]);
  return rows[0]?.state ?? null;
}

const viewSelect = `SELECT a.id, t.name AS tenant, a.command, a.input, a.state, a.requester_name AS requester, a.reason,
  a.requested_at AS "requestedAt", a.decided_by AS "decidedBy", a.decided_at AS "decidedAt", a.comment, a.error, a.updated_at AS "updatedAt"
  FROM approvals a JOIN tenants t ON t.id = a.tenant_id`;

export async function approvalView(db: Queryable, id: string): Promise<ApprovalView> {
  const { rows } = await db.query<ApprovalView>(`${viewSelect} WHERE a.id = $1`, [id]);
  if (!rows[0]) throw notFound('approval request', id);
  return rows[0];
}

export interface ApprovalFilter extends PageRequest {
  tenantId: string;
  state?: ApprovalState | undefined;
  id?: string | undefined;
}

/** A tenant's requests in id order (UUIDv7: oldest first). */
export async function listApprovals(db: Queryable, filter: ApprovalFilter): Promise<Page<ApprovalView>> {
  const after = decodeUuidCursor(filter.cursor);
  const { rows } = await db.query<ApprovalView>(
    `${viewSelect}
      WHERE a.tenant_id = $1 AND ($2::text IS NULL OR a.state = $2) AND ($3::uuid IS NULL OR a.id = $3::uuid) AND ($4::uuid IS NULL OR a.id > $4::uuid)
      ORDER BY a.id LIMIT $5`,
    [filter.tenantId, filter.state ?? null, filter.id ?? null, after, filter.limit + 1],
  );
  return pageOf(rows, filter.limit, (approval) => approval.id);
}
