import { after } from 'node:test';
import { SimulatedCloud } from '../../src/clouds/sim/driver.js';
import type { Clock } from '../../src/domain/clock.js';
import { flavours } from '../support/databases.js';
import { conformanceSuite } from './conformance.js';
import { openSshPublicKey } from './keys.js';

/** Time that passes as fast as it is waited for: the simulator's transitions complete at once. */
class VirtualClock implements Clock {
  #ms = Date.parse('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.#ms);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#ms += ms;
  }
}

// The simulator keeps its state in the database it is called with: a migrated PGlite.
const { db, close } = await flavours.find((flavour) => flavour.name === 'pglite')!.open();
after(close);
const clock = new VirtualClock();
const sim = new SimulatedCloud({ latencyMs: 2_000 });
const region = { name: 'SIM-CONFORMANCE', nativeName: 'sim-conformance' };
const call = () => ({ db, now: clock.now(), signal: new AbortController().signal });
const [image] = await sim.prepareRegion(region, call());

conformanceSuite(
  'the simulated cloud',
  {
    driver: sim,
    region,
    call,
    clock,
    pollMs: 500,
    timeoutMs: 60_000,
    prefix: 'conformance',
    runRequest: (names) => ({ names, cpu: 1, ramMb: 1024, diskGb: 10, imageNativeId: image!.nativeId, publicKey: null, userData: null, tags: {} }),
    publicKeys: [openSshPublicKey(), openSshPublicKey()],
    resizeTo: { cpu: 2, ramMb: 4096, diskGb: 10 },
    createOutside: async (name) => (await sim.createOutsideMaestro(db, region, [{ name, cpu: 1, ramMb: 1024 }], clock.now()))[0]!,
  },
  {
    'listing that fails half-way': 'the simulator lists a region in one query: there is no second page to fail',
    'unknown shape': 'the simulator runs any CPU and RAM; it has no named shapes',
  },
);
