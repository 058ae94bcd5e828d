import type { CloudInstance } from '../../clouds/driver.js';
import * as events from '../../protocol/events/compute.js';
import type { InstanceState } from '../../protocol/compute.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Queryable } from '../../store/database.js';
import { pending, type PendingEvent } from '../pending-event.js';
import type { RegionRef } from '../queries/compute.js';
import type { DiscoveryReport } from './discovery-report.js';
import { addressesFreedBy } from './freed-addresses.js';

// Any constant; it only has to be the same on every node.
const DISCOVERY_LOCK = 7_316_002;

/** Complete listings in a row that must lack an instance of a cloud Maestro reaches remotely before it is gone. */
export const LISTINGS_BEFORE_VANISHED = 3;

export interface ListingRules {
  /**
   * How many complete listings in a row must lack an instance before it counts as gone: 1 for a
   * cloud whose listing is the truth at once (the simulator, in the same transaction); more for
   * clouds whose listings can lag behind or miss an entry now and then.
   */
  absencesBeforeVanished: number;
}

interface Tenancy {
  tenantId: string;
  customerId: string;
  name: string;
}

/**
 * Who owns an instance found in the cloud: the tenant whose own project holds it, else the tenant
 * named by its `tenant` tag, if that tenant is activated in the region; else the tenant activated
 * there first.
 */
async function tenancies(db: Queryable, region: RegionRef): Promise<{ byName: Map<string, Tenancy>; fallback: Tenancy | null }> {
  const { rows } = await db.query<Tenancy>(
    `SELECT t.id AS "tenantId", t.customer_id AS "customerId", t.name FROM tenant_regions tr JOIN tenants t ON t.id = tr.tenant_id
      WHERE tr.region_id = $1 ORDER BY tr.activated_at, t.name`,
    [region.id],
  );
  return { byName: new Map(rows.map((row) => [row.name, row])), fallback: rows[0] ?? null };
}

interface Known {
  id: string;
  nativeId: string;
  name: string;
  state: InstanceState;
  tenantId: string;
  customerId: string;
  absences: number;
  launchedAt: string | Date;
}

/** A row of the listing compared with the region: a known instance and the listed id it matched, or a listed id Maestro does not know. */
type Compared = ({ listedId: string | null } & Known) | ({ listedId: string } & { [K in keyof Known]: null });

/**
 * Reconciles Maestro's view of a region with a COMPLETE listing of its cloud (a partial or failed
 * one must never get here): instances created outside Maestro are adopted as unmanaged
 * (`discover`); an instance missing from `rules.absencesBeforeVanished` complete listings in a
 * row is marked terminated, and one seen again under its id after that is taken back in its
 * state. `now` is when the listing began. Runs in the caller's transaction, serialised per
 * region across nodes, and records through `record`, so the event count matches the changes exactly.
 */
export async function reconcileListing(
  tx: Queryable,
  region: RegionRef,
  cloud: readonly CloudInstance[],
  now: Date,
  rules: ListingRules,
  record: (events: PendingEvent[]) => Promise<unknown>,
  chunk = 2000,
): Promise<Omit<DiscoveryReport, 'milliseconds'>> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DISCOVERY_LOCK, region.name]);
  // The database compares and returns only what may change: listed ids it does not know, live
  // instances not listed, and listed ones that were missing or terminated. Reading every instance
  // of a region of 100,000 to compare here cost PGlite 1.5 s (it decodes each field in JS); this, about 0.4 s.
  const { rows: compared } = await tx.query<Compared>(
    `SELECT l.native_id AS "listedId", k.*
       FROM (SELECT i.id, i.native_id AS "nativeId", i.name, i.state, i.tenant_id AS "tenantId", t.customer_id AS "customerId",
                    COALESCE(a.listings, 0) AS absences, i.launched_at AS "launchedAt"
               FROM instances i JOIN tenants t ON t.id = i.tenant_id LEFT JOIN instance_absences a ON a.instance_id = i.id
              WHERE i.region_id = $1) k
       FULL JOIN json_array_elements_text($2::json) l(native_id) ON l.native_id = k."nativeId"
      WHERE k.id IS NULL
         OR (l.native_id IS NULL AND k.state <> 'terminated')
         OR (l.native_id IS NOT NULL AND (k.absences > 0 OR k.state = 'terminated'))`,
    // The ids as one JSON text: as a text[] they took twice as long to pass.
    [region.id, JSON.stringify(cloud.map((vm) => vm.nativeId))],
  );
  const unknown = new Set<string>();
  const listedKnown = new Map<string, Known>();
  const unlisted: Known[] = [];
  for (const row of compared) {
    if (row.id === null) unknown.add(row.listedId);
    else if (row.listedId === null) unlisted.push(row);
    else listedKnown.set(row.listedId, row);
  }
  const scope = (row: Pick<Known, 'id' | 'name' | 'customerId' | 'tenantId'>) => ({
    target: { id: row.id, name: row.name },
    customerId: row.customerId,
    tenantId: row.tenantId,
    region: region.name,
  });
  const owners = await tenancies(tx, region);
  const changes: PendingEvent[] = [];
  const report = { region: region.name, discovered: 0, vanished: 0, unchanged: 0, unassigned: 0 };
  const present: string[] = [];

  for (const vm of cloud) {
    const row = listedKnown.get(vm.nativeId);
    if (row) {
      if (row.absences > 0) present.push(row.id);
      if (row.state === 'terminated' && vm.state !== 'terminated') {
        changes.push(
          pending(events.instanceStateChanged, { id: row.id, state: vm.state, previous: row.state, reason: 'seen again in the cloud under its id' }, scope(row)),
        );
      } else {
        report.unchanged += 1;
      }
      continue;
    }
    if (!unknown.has(vm.nativeId)) {
      report.unchanged += 1;
      continue;
    }
    const owner = owners.byName.get((vm.tenant ?? vm.tags.tenant ?? '').toUpperCase()) ?? owners.fallback;
    if (!owner) {
      report.unassigned += 1;
      continue;
    }
    const id = uuidv7();
    report.discovered += 1;
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

  const missing: string[] = [];
  const vanished: string[] = [];
  for (const row of unlisted) {
    // Launched since the listing began: the listing could not show it. (On PostgreSQL each
    // statement sees what committed before it, so a run committed between the listing and this
    // read is known here yet absent there; the simulator's one listing would have ended it.)
    if (new Date(row.launchedAt).getTime() >= now.getTime()) continue;
    if (row.absences + 1 < rules.absencesBeforeVanished) {
      missing.push(row.id);
      continue;
    }
    report.vanished += 1;
    present.push(row.id);
    changes.push(pending(events.instanceVanished, { id: row.id }, scope(row)));
    vanished.push(row.id);
  }
  changes.push(...(await addressesFreedBy(tx, region.name, vanished)));
  if (present.length > 0) await tx.query('DELETE FROM instance_absences WHERE instance_id = ANY($1::uuid[])', [present]);
  if (missing.length > 0) {
    await tx.query(
      `INSERT INTO instance_absences (instance_id, listings, first_missing_at) SELECT unnest($1::uuid[]), 1, $2
       ON CONFLICT (instance_id) DO UPDATE SET listings = instance_absences.listings + 1`,
      [missing, now.toISOString()],
    );
  }
  for (let i = 0; i < changes.length; i += chunk) await record(changes.slice(i, i + chunk));
  return report;
}
