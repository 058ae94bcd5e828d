// Live stream latency: from the commit of an event to its arrival, parsed, at a browser's
// GET /api/v1/events/stream (src/server/live/). On PGlite one node commits and serves the
// stream (the in-process wake-up); on PostgreSQL node 1 commits and the stream is on node 2
// (NOTIFY, LISTEN, one read of the log, fan-out). Baselines in the same run: PGlite, a bare
// node:http SSE server writing one frame (the floor of HTTP delivery); PostgreSQL, a bare
// NOTIFY → LISTEN round trip on the same server. A B B A, 200 samples each, one at a time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { z } from 'zod';
import { systemClock } from '../src/domain/clock.js';
import { targetTypes } from '../src/protocol/cadf.js';
import { defineEvent } from '../src/protocol/events.js';
import { initiatorOf, systemActor } from '../src/server/actor.js';
import { loadConfig } from '../src/server/config.js';
import { EventWriter } from '../src/server/event-writer.js';
import { frame } from '../src/server/live/sse.js';
import { LIVE_STREAM_PATH } from '../src/server/live/route.js';
import { eventDefinitions, projections } from '../src/server/projections/index.js';
import { startMaestro, type Maestro } from '../src/server/runtime.js';
import { openPostgres } from '../src/store/postgres.js';
import { SseClient } from '../test/live/sse-client.js';
import { createBenchPostgresDatabase, flavourName, tempDir, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const SAMPLES = 200;
const WARM_UP = 20;

/** An event no projection folds and no notification follows: the stream's cost alone. */
const ping = defineEvent('bench.livePing', { action: 'update', target: targetTypes.api, data: z.object({ n: z.number().int() }) });

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};
const round = (ms: number) => Number(ms.toFixed(3));

type Side = (samples: number) => Promise<number[]>;

/** Nodes whose streams belong to the system administrator: the bench measures delivery, not authorisation. */
async function startNode(dataDir: string, name: string, databaseUrl?: string): Promise<Maestro> {
  const config = loadConfig({}, { port: 0, dataDir, logLevel: 'silent', nodeName: name, defaultSimulatedRegion: false, ...(databaseUrl ? { databaseUrl } : {}) });
  return startMaestro({
    config,
    ...(databaseUrl && name !== 'node-1' ? { db: await openPostgres({ url: databaseUrl, poolSize: 3 }) } : {}),
    live: { resolveActor: async () => systemActor('bench') },
  });
}

/** Commits on `committer`, measures until the stream on `server` has parsed the event. */
async function liveSide(committer: Maestro, server: Maestro): Promise<{ side: Side; close: () => void }> {
  const writer = new EventWriter(committer.db, projections, committer.bus, systemClock, [...eventDefinitions, ping]);
  const origin = { initiator: initiatorOf(systemActor('bench')), requestId: null, observer: { typeURI: 'service/maestro', id: 'bench' } };
  const client = await SseClient.open(`${server.url}${LIVE_STREAM_PATH}`);
  await client.next('ready');
  let n = 0;
  const side: Side = async (samples) => {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const event = writer.build(ping, { n: n++ }, { target: { id: 'bench' } }, origin);
      const recorded = await committer.db.transaction((tx) => writer.append(tx, [event]));
      const committedAt = performance.now();
      await writer.committed(recorded);
      const arrived = await client.next('cadf', (e) => e.json.id === event.id, `bench event ${event.id}`);
      latencies.push(arrived.receivedAt - committedAt);
    }
    return latencies;
  };
  return { side, close: () => client.close() };
}

/** A bare SSE server: one frame written, measured until the same client has parsed it. */
async function bareSseSide(): Promise<{ side: Side; close: () => Promise<void> }> {
  let response: http.ServerResponse | null = null;
  const server = http.createServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': open\n\n');
    response = res;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = await SseClient.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  let n = 0;
  const side: Side = async (samples) => {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = `bare-${n++}`;
      const writtenAt = performance.now();
      response!.write(frame({ event: 'cadf', id, data: { id } }));
      const arrived = await client.next('cadf', (e) => e.json.id === id);
      latencies.push(arrived.receivedAt - writtenAt);
    }
    return latencies;
  };
  return {
    side,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Bare NOTIFY → LISTEN: from the notifying statement's return to the listener's notification. */
async function bareNotifySide(url: string): Promise<{ side: Side; close: () => Promise<void> }> {
  const listener = new pg.Client({ connectionString: url });
  const notifier = new pg.Client({ connectionString: url });
  await listener.connect();
  await notifier.connect();
  await listener.query('LISTEN bench_live');
  const waiting = new Map<string, (at: number) => void>();
  listener.on('notification', (message) => waiting.get(message.payload ?? '')?.(performance.now()));
  let n = 0;
  const side: Side = async (samples) => {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const payload = String(n++);
      const arrived = new Promise<number>((resolve) => waiting.set(payload, resolve));
      await notifier.query('SELECT pg_notify($1, $2)', ['bench_live', payload]);
      const committedAt = performance.now();
      // The notification may come before the statement's answer is read: then it counts as 0.
      latencies.push(Math.max(0, (await arrived) - committedAt));
      waiting.delete(payload);
    }
    return latencies;
  };
  return { side, close: async () => void (await Promise.all([listener.end(), notifier.end()])) };
}

async function measureFlavour(flavour: Flavour): Promise<Figure> {
  const temp = tempDir('live');
  const created = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  const nodes: Maestro[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  try {
    nodes.push(await startNode(temp.dir, 'node-1', created?.url));
    if (created) nodes.push(await startNode(temp.dir, 'node-2', created.url));
    const live = await liveSide(nodes[0]!, nodes.at(-1)!);
    closers.push(live.close);
    const bare = created ? await bareNotifySide(created.url) : await bareSseSide();
    closers.push(bare.close);
    await live.side(WARM_UP);
    await bare.side(WARM_UP);
    const a1 = await bare.side(SAMPLES);
    const b1 = await live.side(SAMPLES);
    const b2 = await live.side(SAMPLES);
    const a2 = await bare.side(SAMPLES);
    const liveAll = summary([...b1, ...b2]);
    const bareAll = summary([...a1, ...a2]);
    const shape = (s: ReturnType<typeof summary>) => ({ p50: round(s.p50), p95: round(s.p95), p99: round(s.p99) });
    return {
      benchmark: 'live-stream',
      name: `commit to live-stream delivery p95, ${flavourName[flavour]}${created ? ' (commit on node 1, stream on node 2)' : ''}`,
      value: liveAll.p95,
      unit: 'ms',
      baseline: { name: created ? 'bare NOTIFY → LISTEN p95' : 'bare SSE write → parse p95', value: bareAll.p95 },
      target: { kind: 'at-most', value: 100 },
      details: {
        samples: SAMPLES * 2,
        live: shape(liveAll),
        baseline: shape(bareAll),
        passes: { A1: shape(summary(a1)), B1: shape(summary(b1)), B2: shape(summary(b2)), A2: shape(summary(a2)) },
      },
    };
  } finally {
    for (const close of closers.reverse()) await close();
    // Node 2 was handed its database, so it leaves it open: closed here.
    const [node1, node2] = nodes;
    await node2?.close();
    await node2?.db.close();
    await node1?.close();
    await created?.drop();
    temp.remove();
  }
}

export async function liveStream(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(await measureFlavour(flavour));
  return figures;
}
