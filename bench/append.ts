// 2. Appending organisation events through EventWriter.append (log, head, projections, NOTIFY)
// in batches per transaction, against a bare INSERT of the same rows into a plain table.
import { randomUUID } from 'node:crypto';
import { createInProcessBus } from '../src/bus/in-process.js';
import { systemClock } from '../src/domain/clock.js';
import * as events from '../src/protocol/events/organisation.js';
import { initiatorOf, systemActor } from '../src/server/actor.js';
import { EventWriter, type EventOrigin } from '../src/server/event-writer.js';
import { eventDefinitions, projections } from '../src/server/projections/index.js';
import type { Database } from '../src/store/database.js';
import { toRow, type NewEvent } from '../src/store/event-log.js';
import { flavourName, openBenchDatabase, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TENANTS = 1000;
const origin: EventOrigin = {
  initiator: initiatorOf(systemActor('bench')),
  requestId: null,
  observer: { typeURI: 'service/maestro', id: 'bench' },
};

/** Half new customers, half updates of existing tenants: inserts and read-modify-writes. */
class EventSource {
  #next = 0;
  constructor(
    private readonly writer: EventWriter,
    private readonly tenants: readonly { id: string; customerId: string }[],
  ) {}

  batch(size: number): NewEvent[] {
    return Array.from({ length: size }, () => {
      const n = this.#next++;
      if (n % 2 === 0) {
        const id = randomUUID();
        const data = { id, name: `C-${n}`, displayName: `Customer ${n}` };
        return this.writer.build(events.customerCreated, data, { target: { id, name: data.name }, customerId: id }, origin);
      }
      const tenant = this.tenants[n % this.tenants.length]!;
      const scope = { target: { id: tenant.id }, customerId: tenant.customerId, tenantId: tenant.id };
      return this.writer.build(events.tenantUpdated, { id: tenant.id, displayName: `Tenant v${n}` }, scope, origin);
    });
  }
}

interface Run {
  events: number;
  transactions: number;
  seconds: number;
}

async function timed(batches: readonly NewEvent[][], write: (batch: NewEvent[]) => Promise<void>): Promise<Run> {
  const started = performance.now();
  for (const batch of batches) await write(batch);
  return {
    events: batches.reduce((sum, b) => sum + b.length, 0),
    transactions: batches.length,
    seconds: (performance.now() - started) / 1000,
  };
}

async function setUp(db: Database) {
  const writer = new EventWriter(db, projections, createInProcessBus(() => undefined), systemClock, eventDefinitions);
  const customerId = randomUUID();
  const tenants = Array.from({ length: TENANTS }, () => ({ id: randomUUID(), customerId }));
  const initial = [
    writer.build(events.customerCreated, { id: customerId, name: 'OWNER', displayName: 'Owner' }, { target: { id: customerId }, customerId }, origin),
    ...tenants.map((t, i) =>
      writer.build(
        events.tenantCreated,
        { id: t.id, customerId, customer: 'OWNER', groupId: null, group: null, name: `T-${i}`, displayName: `T-${i}`, description: '', contacts: [] },
        { target: { id: t.id }, customerId, tenantId: t.id },
        origin,
      ),
    ),
  ];
  await db.transaction((tx) => writer.append(tx, initial));
  await db.exec('CREATE TABLE bench_plain_events (LIKE event_log)');
  let plainSeq = 0;
  const append = async (batch: NewEvent[]) => {
    const recorded = await db.transaction((tx) => writer.append(tx, batch));
    await writer.committed(recorded);
  };
  const insertPlain = async (batch: NewEvent[]) => {
    const rows = batch.map((event) => toRow({ ...event, seq: ++plainSeq }));
    await db.transaction((tx) =>
      tx.query('INSERT INTO bench_plain_events SELECT * FROM jsonb_populate_recordset(null::bench_plain_events, $1::jsonb)', [
        JSON.stringify(rows),
      ]),
    );
  };
  return { source: new EventSource(writer, tenants), append, insertPlain };
}

const perSecond = (run: Run, what: 'events' | 'transactions') => run[what] / run.seconds;

function figure(flavour: Flavour, batchSize: number, measured: Run, baseline: Run, target?: number): Figure {
  const single = batchSize === 1;
  return {
    benchmark: 'append',
    name: single
      ? `append 1 event/transaction, ${flavourName[flavour]}`
      : `append ${batchSize} events/transaction, ${flavourName[flavour]}`,
    value: perSecond(measured, single ? 'transactions' : 'events'),
    unit: single ? 'tx/s' : 'events/s',
    baseline: { name: 'bare INSERT, same rows', value: perSecond(baseline, single ? 'transactions' : 'events') },
    ...(target !== undefined ? { target: { kind: 'at-least' as const, value: target } } : {}),
    details: { events: measured.events, transactions: measured.transactions, seconds: Number(measured.seconds.toFixed(2)) },
  };
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const { db, close } = await openBenchDatabase(flavour);
  try {
    const { source, append, insertPlain } = await setUp(db);
    const batches = (size: number, count: number) => Array.from({ length: count }, () => source.batch(size));
    // Warm-up: plans cached, tables and indexes in memory.
    await timed(batches(500, 4), append);
    await timed(batches(500, 4), insertPlain);

    const figures: Figure[] = [];
    const big = flavour === 'postgres' ? 60 : 20;
    // A B B A: a load burst from elsewhere on the machine hits both sides alike.
    const plain500 = await timed(batches(500, big), insertPlain);
    const append500 = await timed(batches(500, big), append);
    figures.push(figure(flavour, 500, append500, plain500, flavour === 'postgres' ? 10_000 : undefined));
    if (flavour === 'postgres') {
      const append100 = await timed(batches(100, 150), append);
      const plain100 = await timed(batches(100, 150), insertPlain);
      figures.push(figure(flavour, 100, append100, plain100));
      const plain1 = await timed(batches(1, 1000), insertPlain);
      const append1 = await timed(batches(1, 1000), append);
      figures.push(figure(flavour, 1, append1, plain1));
    }
    return figures;
  } finally {
    await close();
  }
}

export async function append(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  // PostgreSQL carries the target; PGlite is shown for information.
  for (const flavour of [...flavours].reverse()) figures.push(...(await measureFlavour(flavour)));
  return figures;
}
