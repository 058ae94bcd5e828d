import { ManualClock } from '../../../src/domain/clock.js';
import type { MaestroClient } from '../../../src/sdk/client.js';
import type { Database } from '../../../src/store/database.js';
import { waitForState } from '../../compute/setup.js';
import { compatWorld, type CompatWorld } from './setup.js';

/**
 * A compat world with billed hours: a price policy on SIM-A from 31 March 2026, instances running
 * from 22:00 that day, billed at 02:10 on 1 April, so each has two hours in each month.
 *
 * 73.05 a month is 0.1 an hour (730.5 hours a month). SMALL (1 CPU, 2 GB) from ubuntu-24.04 (10 GB
 * root disk) running: CPU 0.1 + RAM 2 × 0.05 + disk 10 × 0.01 = 0.3 an hour.
 */
export const prices = {
  instance: { perCpuMonth: 73.05, perRamGbMonth: 36.525, perDiskGbMonth: 7.305, shapes: { LARGE: 730.5 }, os: { windows: 146.1 } },
  volume: { perGbMonth: 73.05 },
};

export const march = { start: Date.UTC(2026, 2, 1), end: Date.UTC(2026, 3, 1) };

export interface BillingWorld {
  world: CompatWorld;
  clock: ManualClock;
  /** The world's administrator, signing with the moved clock. */
  admin: MaestroClient;
  /** The id of each instance run, by name. */
  ids: Record<string, string>;
}

/** `instances`: the SMALL instances to run, by name, with their tags. */
export async function billingWorld(db: Database, instances: Record<string, Record<string, string>>): Promise<BillingWorld> {
  // The world is made at the real time, then the clock goes to fixed dates (every client signs with it).
  const clock = new ManualClock(new Date());
  const world = await compatWorld({ db, clock, config: { systemJobs: false, billingCheckIntervalMs: 3_600_000, quotaIntervalMs: 3_600_000 } });
  clock.set('2026-03-31T22:00:00Z');
  const { admin } = world;
  await admin.pricePolicies.create({ region: 'sim-a', effectiveFrom: '2026-03-31T00:00:00Z', prices });
  const ids: Record<string, string> = {};
  for (const [name, tags] of Object.entries(instances)) {
    const place = { tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'SMALL', name };
    const run = await world.alice.instances.run(Object.keys(tags).length > 0 ? { ...place, tags } : place);
    ids[name] = run.instances[0]!.id;
  }
  await waitForState(world.alice, 'acme-dev', Object.values(ids), 'running');
  clock.set('2026-04-01T02:10:00Z');
  await admin.billing.run({});
  return { world, clock, admin, ids };
}
