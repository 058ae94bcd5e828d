import type { StateReport } from '../../clouds/driver.js';
import * as events from '../../protocol/events/compute.js';
import type { InstanceState } from '../../protocol/compute.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Queryable } from '../../store/database.js';
import type { NewEvent } from '../../store/event-log.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import type { RegionRef } from '../queries/compute.js';
import { addressesFreedBy } from './freed-addresses.js';

/**
 * Records the states a cloud reports for a region's instances (a poll, or an agent's events) as
 * `instance.stateChanged`, in the caller's transaction: instances Maestro does not know, and
 * reports of the state an instance is already in, change nothing.
 */
export async function recordStateReports(
  tx: Queryable,
  writer: EventWriter,
  origin: EventOrigin,
  region: Pick<RegionRef, 'id' | 'name'>,
  reports: readonly StateReport[],
): Promise<RecordedEvent[]> {
  if (reports.length === 0) return [];
  const { rows } = await tx.query<{ id: string; nativeId: string; name: string; state: InstanceState; tenantId: string; customerId: string }>(
    `SELECT i.id, i.native_id AS "nativeId", i.name, i.state, i.tenant_id AS "tenantId", t.customer_id AS "customerId"
       FROM instances i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.region_id = $1 AND i.native_id = ANY($2::text[])`,
    [region.id, reports.map((r) => r.nativeId)],
  );
  const known = new Map(rows.map((row) => [row.nativeId, row]));
  const changes: NewEvent[] = [];
  const terminated: string[] = [];
  for (const report of reports) {
    const instance = known.get(report.nativeId);
    if (!instance || instance.state === report.state) continue;
    changes.push(
      writer.build(
        events.instanceStateChanged,
        { id: instance.id, state: report.state, previous: instance.state, reason: report.reason },
        { target: { id: instance.id, name: instance.name }, customerId: instance.customerId, tenantId: instance.tenantId, region: region.name },
        origin,
      ),
    );
    // Later reports of the same instance in this batch compare with this one.
    instance.state = report.state;
    if (report.state === 'terminated') terminated.push(instance.id);
  }
  for (const freed of await addressesFreedBy(tx, region.name, terminated)) changes.push(writer.build(freed.definition, freed.data, freed.scope, origin));
  return changes.length > 0 ? writer.append(tx, changes) : [];
}
