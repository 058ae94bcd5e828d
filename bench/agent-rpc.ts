// 14. Private agent round trips over the real RabbitMQ: a server's AgentRpcClient calling an
// agent's driver (listInstances of an empty in-memory region: signed, sealed, checked, parsed
// and dispatched both ways, with acknowledgements), against a bare amqplib request/reply loop on
// the same broker (plain publish, consume, reply to replyTo by correlation id, ack), measured
// alternately (A B B A). The answering side runs in a process of its own in both cases, as an
// agent does. At 1 outstanding call the ratio to bare is the overhead of the agent's envelope and
// dispatch; at 128 the throughput. Each side's CPU time per call (user + system, both
// processes) is in the details: on a shared machine it varies less than the rate does.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { Agent } from '../src/agent/agent.js';
import { AgentRpcClient } from '../src/agent/client/rpc-client.js';
import { MemoryCloud } from '../src/agent/drivers/memory.js';
import type { AgentKey } from '../src/agent/envelope.js';
import { AgentStore } from '../src/agent/store/agent-store.js';
import { AmqpAgentTransport } from '../src/agent/transport/amqp/agent-transport.js';
import { AmqpServerTransport } from '../src/agent/transport/amqp/server-transport.js';
import type { Figure } from './support/report.js';

const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SEGMENT_MS = 3000;
const WARM_UP_MS = 1500;
const REGION = 'BENCH-1';

type Call = () => Promise<unknown>;

interface Measured {
  calls: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU time (user + system) of this process and of the answering one, µs. */
  callerCpuUs: number;
  answererCpuUs: number;
}

/** A side measured: how to call it, and the CPU its answering process used since the last mark. */
interface Side {
  call: Call;
  peer: Peer;
}

/** `outstanding` loops each making one call after the other, for `ms`. */
async function closedLoop(side: Side, outstanding: number, ms: number): Promise<Measured> {
  const latenciesMs: number[] = [];
  await side.peer.cpuUs();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: outstanding }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await side.call();
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { calls: latenciesMs.length, seconds, latenciesMs, callerCpuUs: used.user + used.system, answererCpuUs: await side.peer.cpuUs() };
}

const merge = (parts: Measured[]): Measured => ({
  calls: parts.reduce((sum, part) => sum + part.calls, 0),
  seconds: parts.reduce((sum, part) => sum + part.seconds, 0),
  latenciesMs: parts.flatMap((part) => part.latenciesMs),
  callerCpuUs: parts.reduce((sum, part) => sum + part.callerCpuUs, 0),
  answererCpuUs: parts.reduce((sum, part) => sum + part.answererCpuUs, 0),
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const rate = (m: Measured) => m.calls / m.seconds;
const describe = (m: Measured) => ({
  perSecond: Math.round(rate(m)),
  p50Ms: Number(percentile(m.latenciesMs, 50).toFixed(3)),
  p99Ms: Number(percentile(m.latenciesMs, 99).toFixed(3)),
  callerCpuUsPerCall: Math.round(m.callerCpuUs / m.calls),
  answererCpuUsPerCall: Math.round(m.answererCpuUs / m.calls),
});

/**
 * Until the answering process has finished starting: an agent's store is a PGlite, whose
 * WebAssembly V8 goes on compiling in background threads for about ten seconds after the start
 * (about 2 s of CPU on this machine). Measured then, a round trip would pay for the start's work.
 */
async function quiescent(peer: Peer, cpuShare = 0.05, windowMs = 1000, maxMs = 60_000): Promise<number> {
  const started = performance.now();
  await peer.cpuUs();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = await peer.cpuUs();
    if (used < cpuShare * windowMs * 1000 || performance.now() - started > maxMs) return Math.round(performance.now() - started);
  }
}

/** A B B A: each side measured twice, around the other, so a drift of the machine hits both. */
async function alternately(agent: Side, bare: Side, outstanding: number): Promise<{ agent: Measured; bare: Measured }> {
  await closedLoop(agent, outstanding, WARM_UP_MS);
  await closedLoop(bare, outstanding, WARM_UP_MS);
  const a1 = await closedLoop(agent, outstanding, SEGMENT_MS);
  const b1 = await closedLoop(bare, outstanding, SEGMENT_MS);
  const b2 = await closedLoop(bare, outstanding, SEGMENT_MS);
  const a2 = await closedLoop(agent, outstanding, SEGMENT_MS);
  return { agent: merge([a1, a2]), bare: merge([b1, b2]) };
}

interface PeerSettings {
  kind: 'bare' | 'agent';
  prefix: string;
  key: AgentKey;
}

interface Peer {
  /** CPU time (user + system) the process used since the last time this was asked, µs. */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the answering side in a child process; resolves once it consumes. */
async function startPeer(settings: PeerSettings): Promise<Peer> {
  const child = fork(fileURLToPath(import.meta.url), ['peer', JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the ${settings.kind} peer exited (${code}) before it was ready`)));
  });
  return {
    cpuUs: () =>
      new Promise<number>((resolve) => {
        child.once('message', (used) => resolve(Number(used)));
        child.send('cpu');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** The answering side: a bare amqplib responder, or an agent serving an in-memory region. */
async function runPeer(settings: PeerSettings): Promise<void> {
  let stop: () => Promise<void>;
  if (settings.kind === 'bare') {
    const model: ChannelModel = await connect(amqpUrl, { noDelay: true });
    const requests = `${settings.prefix}.bare.requests`;
    const responder = await model.createChannel();
    await responder.assertQueue(requests, { durable: true });
    await responder.prefetch(64);
    const answer = Buffer.from('[]');
    await responder.consume(requests, (message: ConsumeMessage | null) => {
      if (!message) return;
      responder.sendToQueue(message.properties.replyTo as string, answer, { correlationId: message.properties.correlationId as string });
      responder.ack(message);
    });
    stop = async () => {
      await responder.deleteQueue(requests);
      await model.close();
    };
  } else {
    const store = await AgentStore.openEmbedded({ masterKey: randomBytes(32) });
    const transport = new AmqpAgentTransport({ url: amqpUrl, prefix: settings.prefix, name: 'bench agent' });
    const agent = new Agent({
      name: settings.key.agent,
      keys: [settings.key],
      regions: [{ name: REGION, nativeName: 'bench', driver: new MemoryCloud() }],
      transport,
      store,
      heartbeatMs: 3_600_000,
      pollMs: 3_600_000,
      listingMs: 3_600_000,
    });
    await agent.start();
    await transport.start();
    await agent.outboxDrained();
    stop = async () => {
      await agent.stop();
      await transport.close();
      await store.close();
    };
  }
  process.send!('ready');
  let cpu = process.cpuUsage();
  process.on('message', (message) => {
    if (message !== 'cpu') return void stop().then(() => process.exit(0));
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    process.send!(used.user + used.system);
  });
}

/** The baseline's calling side: publish with replyTo and a correlation id, wait for the answer. */
async function bareCaller(prefix: string): Promise<{ call: Call; close(): Promise<void> }> {
  const model: ChannelModel = await connect(amqpUrl, { noDelay: true });
  const requests = `${prefix}.bare.requests`;
  const requester = await model.createChannel();
  const { queue: replies } = await requester.assertQueue('', { exclusive: true, autoDelete: true });
  const pending = new Map<string, () => void>();
  await requester.consume(
    replies,
    (message) => {
      if (!message) return;
      const id = message.properties.correlationId as string;
      pending.get(id)?.();
      pending.delete(id);
    },
    { noAck: true },
  );
  const body = Buffer.from('[]');
  return {
    call: () =>
      new Promise<void>((resolve) => {
        const id = randomUUID();
        pending.set(id, resolve);
        requester.sendToQueue(requests, body, { correlationId: id, replyTo: replies, expiration: '30000' });
      }),
    close: () => model.close(),
  };
}

async function agentCaller(prefix: string, key: AgentKey): Promise<{ call: Call; close(): Promise<void> }> {
  const transport = new AmqpServerTransport({ url: amqpUrl, prefix, name: 'bench server' });
  const client = new AgentRpcClient({ transport, signingKey: () => key, lookupKey: (id) => (id === key.keyId ? key : null) });
  await client.start();
  await transport.start();
  return {
    call: () => client.callDriver(REGION, { method: 'listInstances', args: [], tenant: null, operationId: 'bench' }, { timeoutMs: 30_000 }),
    async close() {
      await client.close();
      const session = transport.link.session;
      if (session) {
        const names = transport.names;
        for (const queue of [names.regionQueue(REGION), names.eventsQueue, names.deadLetterQueue]) await session.consumer.deleteQueue(queue);
        for (const exchange of [names.requestExchange, names.deadLetterExchange]) await session.consumer.deleteExchange(exchange);
      }
      await transport.close();
    },
  };
}

export async function agentRpc(): Promise<Figure[]> {
  const prefix = `maestro-bench-${randomBytes(4).toString('hex')}`;
  const key: AgentKey = { keyId: `AK${randomBytes(10).toString('hex').toUpperCase()}`, secret: randomBytes(16).toString('hex'), agent: 'BENCH' };
  const peers = { bare: await startPeer({ kind: 'bare', prefix, key }), agent: await startPeer({ kind: 'agent', prefix, key }) };
  const bare = await bareCaller(prefix);
  const agent = await agentCaller(prefix, key);
  const sides = { agent: { call: agent.call, peer: peers.agent }, bare: { call: bare.call, peer: peers.bare } };
  try {
    const settledMs = { agent: await quiescent(peers.agent), bare: await quiescent(peers.bare) };
    const one = await alternately(sides.agent, sides.bare, 1);
    const many = await alternately(sides.agent, sides.bare, 128);
    return [
      {
        benchmark: 'agent-rpc',
        name: 'agent round trip over RabbitMQ, 1 outstanding call',
        value: rate(one.agent),
        unit: 'calls/s',
        baseline: { name: 'bare amqplib request/reply', value: rate(one.bare) },
        target: { kind: 'ratio-at-least', value: 0.8 },
        details: { agent: describe(one.agent), bare: describe(one.bare), settledMs },
      },
      {
        benchmark: 'agent-rpc',
        name: 'agent round trips over RabbitMQ, 128 outstanding calls',
        value: rate(many.agent),
        unit: 'calls/s',
        baseline: { name: 'bare amqplib request/reply', value: rate(many.bare) },
        target: { kind: 'at-least', value: 5000 },
        details: { agent: describe(many.agent), bare: describe(many.bare) },
      },
    ];
  } finally {
    await agent.close();
    await bare.close();
    for (const peer of Object.values(peers)) await peer.stop();
  }
}

if (process.argv[2] === 'peer') await runPeer(JSON.parse(process.argv[3]!) as PeerSettings);
