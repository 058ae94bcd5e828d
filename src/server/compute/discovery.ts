import type { CloudInstance } from '../../clouds/driver.js';
import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import * as events from '../../protocol/events/compute.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Database, Queryable } from '../../store/database.js';
import type { RecordedEvent } from '../../protocol/events.js';
import { pending, type PendingEvent } from '../pending-event.js';
import type { DiscoveryReport } from './discovery-report.js';
import { fromCloudError } from './cloud-call.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import { regionRef, type RegionRef } from '../queries/compute.js';

const CHUNK = 2000;
// Any constant; it only has to be the same on every node.
const DISCOVERY_LOCK = 7_316_002;

interface Tenancy {
  tenantId: string;
  customerId: string;
  name: string;
}

/**
 * Who owns an instance found in the cloud: the tenant named by its `tenant` tag if that tenant is
 * activated in the region, else the tenant activated there first.
 */
async function tenancies(db: Queryable, region: RegionRef): Promise<{ byName: Map<string, Tenancy>; fallback: Tenancy | null }> {
  const { rows } = await db.query<Tenancy>(
    `SELECT t.id AS "tenantId", t.customer_id AS "customerId", t.name FROM tenant_regions tr JOIN tenants t ON t.id = tr.tenant_id
      WHERE tr.region_id = $1 ORDER BY tr.activated_at, t.name`,
    [region.id],
  );
  return { byName: new Map(rows.map((row) => [row.name, row])), fallback: rows[0] ?? null };
}

/**
 * Reconciles Maestro's view of a region with the cloud's: instances created outside Maestro are
 * adopted as unmanaged (`discover`), instances that disappeared are marked terminated. Runs in
 * the caller's transaction and records through `record`, so the event count matches the changes
 * exactly and two nodes never both adopt the same instance (they serialise on a lock).
 */
export async function reconcileRegion(
  tx: Queryable,
  clouds: DriverRegistry,
  clock: Clock,
  regionName: string,
  record: (events: PendingEvent[]) => Promise<unknown>,
): Promise<DiscoveryReport> {
  const started = performance.now();
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DISCOVERY_LOCK, regionName]);
  const region = await regionRef(tx, regionName);
  const driver = clouds.get(region.cloud);
  let cloud: CloudInstance[];
  try {
    cloud = await driver.listInstances({ name: region.name, nativeName: region.nativeName }, { db: tx, now: clock.now(), signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw fromCloudError(error, region.name);
  }
  const { rows: known } = await tx.query<{ id: string; nativeId: string; name: string; state: string; tenantId: string; customerId: string }>(
    `SELECT i.id, i.native_id AS "nativeId", i.name, i.state, i.tenant_id AS "tenantId", t.customer_id AS "customerId"
       FROM instances i JOIN tenants t ON t.id = i.tenant_id WHERE i.region_id = $1`,
    [region.id],
  );
  const knownByNative = new Map(known.map((row) => [row.nativeId, row]));
  const inCloud = new Set(cloud.map((vm) => vm.nativeId));
  const owners = await tenancies(tx, region);
  const changes: PendingEvent[] = [];
  let unassigned = 0;
  let unchanged = 0;
  let discovered = 0;
  for (const vm of cloud) {
    if (knownByNative.has(vm.nativeId)) {
      unchanged += 1;
      continue;
    }
    const owner = owners.byName.get((vm.tags.tenant ?? '').toUpperCase()) ?? owners.fallback;
    if (!owner) {
      unassigned += 1;
      continue;
    }
    const id = uuidv7();
    discovered += 1;
    changes.push(
      pending(
        events.instanceDiscovered,
        {
          id,
          tenantId: owner.tenantId,
          regionId: region.id,
          nativeId: vm.nativeId,
          name: vm.name,
          state: vm.state,
          shape: null,
          cpu: vm.cpu,
          ramMb: vm.ramMb,
          diskGb: vm.diskGb,
          imageId: null,
          keyName: null,
          ownerId: null,
          tags: vm.tags,
          launchedAt: vm.launchedAt,
        },
        { target: { id, name: vm.name }, customerId: owner.customerId, tenantId: owner.tenantId, region: region.name },
      ),
    );
  }
  let vanished = 0;
  for (const row of known) {
    if (row.state === 'terminated' || inCloud.has(row.nativeId)) continue;
    vanished += 1;
    changes.push(
      pending(
        events.instanceVanished,
        { id: row.id },
        { target: { id: row.id, name: row.name }, customerId: row.customerId, tenantId: row.tenantId, region: region.name },
      ),
    );
  }
  for (let i = 0; i < changes.length; i += CHUNK) await record(changes.slice(i, i + CHUNK));
  return { region: region.name, discovered, vanished, unchanged, unassigned, milliseconds: Math.round(performance.now() - started) };
}

/** Discovery on its own (the periodic run): its own transaction, recorded as observed by the cloud. */
export async function discoverRegion(
  db: Database,
  clouds: DriverRegistry,
  writer: EventWriter,
  clock: Clock,
  origin: EventOrigin,
  regionName: string,
): Promise<DiscoveryReport> {
  const recorded: RecordedEvent[] = [];
  const report = await db.transaction((tx) =>
    reconcileRegion(tx, clouds, clock, regionName, async (changes) => {
      recorded.push(...(await writer.append(tx, changes.map((c) => writer.build(c.definition, c.data, c.scope, origin)))));
    }),
  );
  await writer.committed(recorded);
  return report;
}
