import type { CloudInstance } from '../../clouds/driver.js';
import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import type { Database, Queryable } from '../../store/database.js';
import type { RecordedEvent } from '../../protocol/events.js';
import type { PendingEvent } from '../pending-event.js';
import type { DiscoveryReport } from './discovery-report.js';
import { fromCloudError } from './cloud-call.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import { regionRef } from '../queries/compute.js';
import { LISTINGS_BEFORE_VANISHED, reconcileListing } from './reconcile.js';

/**
 * Reconciles Maestro's view of a region with its cloud's, listed through the region's local driver
 * (regions an agent serves are reconciled from the listings it sends, src/server/agents/).
 */
export async function reconcileRegion(
  tx: Queryable,
  clouds: DriverRegistry,
  clock: Clock,
  regionName: string,
  record: (events: PendingEvent[]) => Promise<unknown>,
): Promise<DiscoveryReport> {
  const started = performance.now();
  const region = await regionRef(tx, regionName);
  const driver = await clouds.forRegion(region, tx);
  let cloud: CloudInstance[];
  const listedAt = clock.now();
  try {
    cloud = await driver.listInstances({ name: region.name, nativeName: region.nativeName }, { db: tx, now: listedAt, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw fromCloudError(error, region.name);
  }
  const rules = { absencesBeforeVanished: driver.capabilities.listingsBeforeVanished ?? LISTINGS_BEFORE_VANISHED };
  const report = await reconcileListing(tx, region, cloud, listedAt, rules, record);
  return { ...report, milliseconds: Math.round(performance.now() - started) };
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
