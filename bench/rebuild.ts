// 3. Replaying the event log into empty projections (rebuildProjections) against reading the
// same log with readEvents in the same chunks.
import { randomUUID } from 'node:crypto';
import { createInProcessBus } from '../src/bus/in-process.js';
import { systemClock } from '../src/domain/clock.js';
import * as events from '../src/protocol/events/organisation.js';
import { initiatorOf, systemActor } from '../src/server/actor.js';
import { EventWriter, type EventOrigin } from '../src/server/event-writer.js';
import { eventDefinitions, projections } from '../src/server/projections/index.js';
import type { Database } from '../src/store/database.js';
import { appendEvents, readEvents, type NewEvent } from '../src/store/event-log.js';
import { rebuildProjections } from '../src/store/rebuild.js';
import { flavourName, openBenchDatabase, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const EVENTS = 100_000;
const CHUNK = 5000; // rebuildProjections' default chunk
const CUSTOMERS = 2000;
const TENANTS = 20_000;
const REGIONS = 10;
const ACTIVATIONS = 18_000;

const origin: EventOrigin = {
  initiator: initiatorOf(systemActor('bench')),
  requestId: null,
  observer: { typeURI: 'service/maestro', id: 'bench' },
};

/** An organisation's history: creations first, then a mix of updates and region activations. */
function* history(writer: EventWriter): Generator<NewEvent> {
  const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
  const regions = Array.from({ length: REGIONS }, () => randomUUID());
  const tenants = Array.from({ length: TENANTS }, (_, i) => ({ id: randomUUID(), customerId: customers[i % CUSTOMERS]! }));
  for (const [i, id] of customers.entries()) {
    yield writer.build(events.customerCreated, { id, name: `C-${i}`, displayName: `Customer ${i}` }, { target: { id }, customerId: id }, origin);
  }
  for (const [i, id] of regions.entries()) {
    const data = { id, name: `R-${i}`, cloud: 'SIMULATED', kind: 'private', nativeName: `r${i}`, status: 'active', description: '' } as const;
    yield writer.build(events.regionCreated, data, { target: { id } }, origin);
  }
  for (const [i, t] of tenants.entries()) {
    const data = { id: t.id, customerId: t.customerId, customer: `C-${i % CUSTOMERS}`, groupId: null, group: null, name: `T-${i}`, displayName: `T-${i}`, description: '', contacts: [] };
    yield writer.build(events.tenantCreated, data, { target: { id: t.id }, customerId: t.customerId, tenantId: t.id }, origin);
  }
  const rest = EVENTS - CUSTOMERS - REGIONS - TENANTS;
  for (let n = 0; n < rest; n++) {
    const t = tenants[n % TENANTS]!;
    const scope = { target: { id: t.id }, customerId: t.customerId, tenantId: t.id };
    if (n < ACTIVATIONS * 4 && n % 4 === 0) {
      const region = (n / 4) % REGIONS;
      yield writer.build(events.tenantRegionActivated, { tenantId: t.id, regionId: regions[region]! }, { ...scope, region: `R-${region}` }, origin);
    } else if (n % 10 === 1) {
      yield writer.build(events.customerUpdated, { id: t.customerId, displayName: `Customer v${n}` }, { target: { id: t.customerId }, customerId: t.customerId }, origin);
    } else {
      yield writer.build(events.tenantUpdated, { id: t.id, displayName: `Tenant v${n}` }, scope, origin);
    }
  }
}

async function fillLog(db: Database): Promise<void> {
  const writer = new EventWriter(db, projections, createInProcessBus(() => undefined), systemClock, eventDefinitions);
  let batch: NewEvent[] = [];
  const flush = async () => {
    const events = batch;
    batch = [];
    await db.transaction((tx) => appendEvents(tx, events));
  };
  for (const event of history(writer)) {
    batch.push(event);
    if (batch.length === CHUNK) await flush();
  }
  if (batch.length > 0) await flush();
}

async function readWholeLog(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    let after = 0;
    let count = 0;
    for (;;) {
      const chunk = await readEvents(tx, after, CHUNK);
      if (chunk.length === 0) return count;
      after = chunk[chunk.length - 1]!.seq;
      count += chunk.length;
    }
  });
}

async function measureFlavour(flavour: Flavour): Promise<Figure> {
  const { db, close } = await openBenchDatabase(flavour);
  try {
    const filling = performance.now();
    await fillLog(db);
    const fillSeconds = (performance.now() - filling) / 1000;
    await readWholeLog(db); // warm-up: the log in the cache for both sides

    let started = performance.now();
    const read = await readWholeLog(db);
    const readSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const report = await rebuildProjections(db, projections);
    const rebuildSeconds = (performance.now() - started) / 1000;
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
    if (report.events !== EVENTS || read !== EVENTS || rows[0]!.n !== TENANTS) {
      throw new Error(`replayed ${report.events}, read ${read}, ${rows[0]!.n} tenants: the log is not what was written`);
    }
    return {
      benchmark: 'rebuild',
      name: `rebuild ${EVENTS / 1000}k events, ${flavourName[flavour]}`,
      value: EVENTS / rebuildSeconds,
      unit: 'events/s',
      baseline: { name: 'bare readEvents, same log', value: EVENTS / readSeconds },
      target: { kind: 'at-least', value: 20_000 },
      details: {
        rebuildSeconds: Number(rebuildSeconds.toFixed(2)),
        readSeconds: Number(readSeconds.toFixed(2)),
        fillSeconds: Number(fillSeconds.toFixed(1)),
      },
    };
  } finally {
    await close();
  }
}

export async function rebuild(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(await measureFlavour(flavour));
  return figures;
}
