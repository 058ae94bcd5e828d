import type { CadfAction, CadfOutcome, CadfRecord } from '../../protocol/cadf.js';
import { toCadf, type EventReason, type Initiator, type RecordedEvent } from '../../protocol/events.js';
import { invalidInput } from '../../protocol/errors.js';
import { fromRow, type EventRow } from '../../store/event-log.js';
import type { Queryable } from '../../store/database.js';
import { eventDefinitions } from '../projections/index.js';
import { decodeCursor, encodeCursor } from './paging.js';

export interface AuditFilter {
  /** null: every tenant (administrators); else these tenants, plus the customer's own events. */
  tenantIds: readonly string[] | null;
  customerId: string | null;
  region?: string | undefined;
  resource?: string | undefined;
  action?: CadfAction | undefined;
  type?: string | undefined;
  actor?: string | undefined;
  outcome?: CadfOutcome | undefined;
  from?: string | undefined;
  to?: string | undefined;
  id?: string | undefined;
  order?: 'oldest' | 'newest' | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface AuditEvent {
  seq: number;
  id: string;
  time: string;
  type: string;
  action: CadfAction;
  outcome: CadfOutcome;
  initiator: Initiator;
  target: { id: string; typeURI: string; name?: string };
  tenant: string | null;
  region: string | null;
  requestId: string | null;
  reason: EventReason | null;
  data: Record<string, unknown>;
}

/** Fields no reader of the audit log sees: sealed secrets, password hashes. */
const secretFieldsByType = new Map(eventDefinitions.map((definition) => [definition.type, definition.secretFields]));

function withoutSecrets(event: RecordedEvent): RecordedEvent {
  const secret = secretFieldsByType.get(event.type) ?? [];
  if (secret.length === 0) return event;
  const data = { ...event.data };
  for (const field of secret) delete data[field];
  return { ...event, data };
}

/** Events in sequence order, either way: stable pages, whatever is appended meanwhile. */
async function auditPage(db: Queryable, filter: AuditFilter): Promise<{ events: Array<RecordedEvent & { tenantName: string | null }>; nextCursor: string | null }> {
  const after = decodeCursor(filter.cursor);
  if (after !== null && !/^\d+$/.test(after)) {
    throw invalidInput('cursor is not one this server returned; pass the nextCursor of the previous page', { field: 'cursor' });
  }
  const newest = filter.order === 'newest';
  const params: unknown[] = [after === null ? (newest ? Number.MAX_SAFE_INTEGER : 0) : Number(after)];
  const where = [newest ? 'e.seq < $1' : 'e.seq > $1'];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.tenantIds !== null) {
    if (filter.customerId !== null) {
      params.push(filter.tenantIds, filter.customerId);
      where.push(`(e.tenant_id = ANY($${params.length - 1}::uuid[]) OR (e.tenant_id IS NULL AND e.customer_id = $${params.length}))`);
    } else {
      add((p) => `e.tenant_id = ANY(${p}::uuid[])`, filter.tenantIds);
    }
  }
  if (filter.region !== undefined) add((p) => `e.region = ${p}`, filter.region);
  if (filter.resource !== undefined) add((p) => `e.target_id = ${p}`, filter.resource);
  if (filter.action !== undefined) add((p) => `e.action = ${p}`, filter.action);
  if (filter.type !== undefined) add((p) => `e.type = ${p}`, filter.type);
  if (filter.actor !== undefined) add((p) => `(e.initiator->>'id' = ${p} OR e.initiator->>'name' = ${p})`, filter.actor);
  if (filter.outcome !== undefined) add((p) => `e.outcome = ${p}`, filter.outcome);
  if (filter.from !== undefined) add((p) => `e.time >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `e.time < ${p}`, filter.to);
  if (filter.id !== undefined) add((p) => `e.id = ${p}::uuid`, filter.id);
  params.push(filter.limit + 1);
  const { rows } = await db.query<EventRow & { tenant_name: string | null }>(
    `SELECT e.*, t.name AS tenant_name FROM event_log e LEFT JOIN tenants t ON t.id = e.tenant_id
      WHERE ${where.join(' AND ')} ORDER BY e.seq ${newest ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > filter.limit;
  const events = rows.slice(0, filter.limit).map((row) => ({ ...withoutSecrets(fromRow(row)), tenantName: row.tenant_name }));
  return { events, nextCursor: more ? encodeCursor(String(events[events.length - 1]!.seq)) : null };
}

/** An event as events.describe answers it (the live stream sends the same shape). */
export function auditEventOf(recorded: RecordedEvent, tenantName: string | null): AuditEvent {
  const event = withoutSecrets(recorded);
  return {
    seq: event.seq,
    id: event.id,
    time: event.time,
    type: event.type,
    action: event.action,
    outcome: event.outcome,
    initiator: event.initiator,
    target: event.target,
    tenant: tenantName,
    region: event.region,
    requestId: event.requestId,
    reason: event.reason,
    data: event.data,
  };
}

export async function auditEvents(db: Queryable, filter: AuditFilter): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  const { events, nextCursor } = await auditPage(db, filter);
  return {
    items: events.map((event) => auditEventOf(event, event.tenantName)),
    nextCursor,
  };
}

export async function auditExport(db: Queryable, filter: AuditFilter): Promise<{ records: CadfRecord[]; nextCursor: string | null }> {
  const { events, nextCursor } = await auditPage(db, filter);
  return { records: events.map((event) => toCadf(event)), nextCursor };
}
