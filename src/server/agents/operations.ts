import { driverMethods } from '../../agent/driver-methods.js';
import type { AgentEvent } from '../../agent/messages.js';
import * as events from '../../protocol/events/compute.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { Queryable } from '../../store/database.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';

export type OperationDone = Extract<AgentEvent, { kind: 'operation.done' }>;

// Any constant; it only has to be the same on every node.
const OPERATION_LOCK = 7_316_011;

/**
 * Serialises a deferred change's start with the report of its end, across nodes: the command
 * takes it before it records the change and asks the agent, the report's transaction before it
 * looks the change up, so a report that overtakes the command's commit waits for it.
 */
export async function lockOperation(tx: Queryable, operationId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OPERATION_LOCK, operationId]);
}

/**
 * Finishes, from an agent's reports of operations done, the changes deferred to it. A report
 * nothing waits for (a change the server saw through in its call, a command that failed after
 * asking, a report sent again) changes nothing.
 */
export async function completeDeferredChanges(
  tx: Queryable,
  writer: EventWriter,
  origin: EventOrigin,
  region: { id: string; name: string },
  reports: readonly OperationDone[],
): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (const report of reports) {
    if (report.data.method !== 'createImage') continue;
    await lockOperation(tx, report.data.operationId);
    recorded.push(...(await completeCapture(tx, writer, origin, region, report)));
  }
  return recorded;
}

interface PendingCapture {
  id: string;
  name: string;
  tenantId: string;
  customerId: string;
  sourceInstanceId: string;
  ownerId: string | null;
}

async function completeCapture(tx: Queryable, writer: EventWriter, origin: EventOrigin, region: { id: string; name: string }, report: OperationDone): Promise<RecordedEvent[]> {
  const { rows } = await tx.query<PendingCapture>(
    `SELECT i.id, i.name, i.tenant_id AS "tenantId", t.customer_id AS "customerId", i.source_instance_id AS "sourceInstanceId", i.owner_id AS "ownerId"
       FROM images i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.operation_id = $1 AND i.region_id = $2 AND i.state = 'pending'`,
    [report.data.operationId, region.id],
  );
  const image = rows[0];
  if (!image) return [];
  const scope = { target: { id: image.id, name: image.name }, customerId: image.customerId, tenantId: image.tenantId, region: region.name };
  // A fact about the image, recorded as such (an event of outcome failure would be a refused request, which projections skip).
  const failed = (reason: string) => writer.append(tx, [writer.build(events.imageCaptureFailed, { id: image.id, reason }, scope, origin)]);
  if (report.data.outcome === 'failure') return failed(report.data.failure?.message ?? 'the cloud did not say why');
  const result = driverMethods.createImage.result.safeParse(report.data.result);
  if (!result.success) return failed('the agent reported the capture done without a readable image; look for it in the cloud before capturing again');
  const captured = result.data;
  return writer.append(tx, [
    writer.build(
      events.imageCreated,
      {
        id: image.id,
        regionId: region.id,
        tenantId: image.tenantId,
        // Maestro's name stays: it is what the user asked for and what the catalog is unique by.
        name: image.name,
        nativeId: captured.nativeId,
        os: captured.os,
        minDiskGb: captured.minDiskGb,
        sourceInstanceId: image.sourceInstanceId,
        ownerId: image.ownerId,
      },
      scope,
      origin,
    ),
  ]);
}
