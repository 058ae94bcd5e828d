import * as events from '../../protocol/events/networks.js';
import type { Queryable } from '../../store/database.js';
import { pending, type PendingEvent } from '../pending-event.js';

/** Why an address stopped forwarding without anyone asking. */
export const FREED_BY_TERMINATION = 'the instance was terminated';

/**
 * The public IPs of instances that are gone (terminated, or vanished from their cloud), as
 * `publicIp.disassociated` events to record with the instances' own: a cloud gives a terminated
 * instance's address back, which stays allocated to the tenant, idle (and billed as such).
 */
export async function addressesFreedBy(tx: Queryable, region: string, instanceIds: readonly string[]): Promise<PendingEvent[]> {
  if (instanceIds.length === 0) return [];
  const { rows } = await tx.query<{ id: string; address: string; instanceId: string; tenantId: string; customerId: string }>(
    `SELECT p.id, p.address, p.instance_id AS "instanceId", p.tenant_id AS "tenantId", t.customer_id AS "customerId"
       FROM public_ips p JOIN tenants t ON t.id = p.tenant_id
      WHERE p.instance_id = ANY($1::uuid[])`,
    [instanceIds],
  );
  return rows.map((ip) =>
    pending(
      events.publicIpDisassociated,
      { id: ip.id, instanceId: ip.instanceId, reason: FREED_BY_TERMINATION },
      { target: { id: ip.id, name: ip.address }, customerId: ip.customerId, tenantId: ip.tenantId, region },
    ),
  );
}
