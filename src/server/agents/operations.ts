import { driverMethods } from '../../agent/driver-methods.js';
import type { AgentEvent } from '../../agent/messages.js';
import * as events from '../../protocol/events/compute.js';
import type { EventDefinition, RecordedEvent } from '../../protocol/events.js';
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

interface Done {
  definition: EventDefinition;
  data: object;
}

/** Where a deferred change waits, what its report completes it with (one event or several, in order), and how a failure ends it. */
interface Completion {
  /** The pending row by operation id and region: the subject's id, name, tenant and customer. */
  pending: string;
  done(subject: PendingSubject, result: unknown, region: { id: string; name: string }): Done | Done[] | null;
  failed: EventDefinition;
}

interface PendingSubject {
  id: string;
  name: string;
  tenantId: string;
  customerId: string;
  row: Record<string, unknown>;
  /** A volume's: the instance it is created for (createAttachedVolume). */
  instanceId?: string | null;
}

/** A volume being created by the operation's id; `instanceId` the instance it is for, if any. */
const volumeCreating = `SELECT v.id, v.name, v.tenant_id AS "tenantId", t.customer_id AS "customerId", v.instance_id AS "instanceId",
                               json_build_object('ownerId', v.owner_id, 'tags', v.tags) AS row
                          FROM volumes v JOIN tenants t ON t.id = v.tenant_id
                         WHERE v.operation_id = $1 AND v.region_id = $2 AND v.state = 'creating'`;

function volumeCreated(volume: PendingSubject, result: unknown, region: { id: string }): Done | null {
  const created = driverMethods.createVolume.result.safeParse(result);
  if (!created.success) return null;
  const { nativeId, sizeGb } = created.data;
  return { definition: events.volumeCreated, data: { id: volume.id, regionId: region.id, tenantId: volume.tenantId, name: volume.name, nativeId, sizeGb, ...volume.row } };
}

/** A volume attaching or detaching by the operation's id: `row.instanceId` is the instance it concerns. */
function volumeChanging(state: 'attaching' | 'detaching'): string {
  return `SELECT v.id, v.name, v.tenant_id AS "tenantId", t.customer_id AS "customerId", json_build_object('instanceId', v.instance_id) AS row
            FROM volumes v JOIN tenants t ON t.id = v.tenant_id
           WHERE v.operation_id = $1 AND v.region_id = $2 AND v.state = '${state}'`;
}

const completions: Partial<Record<string, Completion>> = {
  createImage: {
    pending: `SELECT i.id, i.name, i.tenant_id AS "tenantId", t.customer_id AS "customerId",
                     json_build_object('sourceInstanceId', i.source_instance_id, 'ownerId', i.owner_id, 'description', COALESCE(i.description, '')) AS row
                FROM images i JOIN tenants t ON t.id = i.tenant_id
               WHERE i.operation_id = $1 AND i.region_id = $2 AND i.state = 'pending'`,
    done(image, result, region) {
      const captured = driverMethods.createImage.result.safeParse(result);
      if (!captured.success) return null;
      // Maestro's name stays: it is what the user asked for and what the catalog is unique by.
      const { nativeId, os, minDiskGb } = captured.data;
      return { definition: events.imageCreated, data: { id: image.id, regionId: region.id, tenantId: image.tenantId, name: image.name, nativeId, os, minDiskGb, ...image.row } };
    },
    failed: events.imageCaptureFailed,
  },
  createVolume: {
    pending: volumeCreating,
    done: volumeCreated,
    failed: events.volumeCreationFailed,
  },
  createAttachedVolume: {
    pending: volumeCreating,
    done(volume, result, region) {
      const created = volumeCreated(volume, result, region);
      return created && [created, { definition: events.volumeAttached, data: { id: volume.id, instanceId: volume.instanceId } }];
    },
    failed: events.volumeCreationFailed,
  },
  resizeInstance: {
    pending: `SELECT i.id, i.name, i.tenant_id AS "tenantId", t.customer_id AS "customerId", json_build_object('to', i.resizing_to) AS row
                FROM instances i JOIN tenants t ON t.id = i.tenant_id
               WHERE i.operation_id = $1 AND i.region_id = $2 AND i.resizing_to IS NOT NULL`,
    done(instance, result) {
      const resized = driverMethods.resizeInstance.result.safeParse(result);
      if (!resized.success) return null;
      const { cpu, ramMb, diskGb } = resized.data;
      // The shape's name is Maestro's, as asked; the sizes are what the cloud reports.
      return { definition: events.instanceResized, data: { id: instance.id, shape: (instance.row.to as { shape: string | null }).shape, cpu, ramMb, diskGb } };
    },
    failed: events.instanceResizeFailed,
  },
  attachVolume: {
    pending: volumeChanging('attaching'),
    done: (volume) => ({ definition: events.volumeAttached, data: { id: volume.id, instanceId: volume.row.instanceId } }),
    failed: events.volumeAttachFailed,
  },
  detachVolume: {
    pending: volumeChanging('detaching'),
    done: (volume) => ({ definition: events.volumeDetached, data: { id: volume.id, instanceId: volume.row.instanceId } }),
    failed: events.volumeDetachFailed,
  },
};

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
    const completion = completions[report.data.method];
    if (!completion) continue;
    await lockOperation(tx, report.data.operationId);
    const { rows } = await tx.query<PendingSubject>(completion.pending, [report.data.operationId, region.id]);
    const subject = rows[0];
    if (!subject) continue;
    const scope = { target: { id: subject.id, name: subject.name }, customerId: subject.customerId, tenantId: subject.tenantId, region: region.name };
    const done = report.data.outcome === 'success' ? completion.done(subject, report.data.result, region) : null;
    const built = done
      ? [done].flat().map((each) => writer.build(each.definition, each.data as never, scope, origin))
      : // A fact about the subject, recorded as such (an event of outcome failure would be a refused request, which projections skip).
        [writer.build(completion.failed, { id: subject.id, reason: failureReason(report) } as never, scope, origin)];
    recorded.push(...(await writer.append(tx, built)));
  }
  return recorded;
}

function failureReason(report: OperationDone): string {
  if (report.data.outcome === 'success') return 'the agent reported the change done without a readable result; look for it in the cloud before trying again';
  return report.data.failure?.message ?? 'the cloud did not say why';
}
