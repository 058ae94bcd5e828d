// An agent in a process of its own, for the test that kills it: `node --import tsx agent-child.ts <settings JSON>`.
// First run (`prepare`): makes instances, polls them into events, prints its outbox and waits to be killed.
// Later run: starts on the same data directory and sends what its outbox holds.
import { Agent } from '../../../src/agent/agent.js';
import { MemoryCloud } from '../../../src/agent/drivers/memory.js';
import { AgentStore } from '../../../src/agent/store/agent-store.js';
import { AmqpAgentTransport } from '../../../src/agent/transport/amqp/agent-transport.js';

const settings = JSON.parse(process.argv[2]!) as {
  url: string;
  dataDir: string;
  masterKey: string;
  key: { keyId: string; secret: string };
  prepare: boolean;
};
const store = await AgentStore.openEmbedded({ dataDir: settings.dataDir, masterKey: Buffer.from(settings.masterKey, 'base64') });
const cloud = new MemoryCloud();
const transport = new AmqpAgentTransport({ url: settings.url, name: 'agent child', reconnect: { initialMs: 50, maxMs: 200 } });
const agent = new Agent({
  name: 'EDGE',
  keys: [settings.key],
  regions: [{ name: 'PRIV-1', nativeName: 'r', driver: cloud }],
  transport,
  store,
  heartbeatMs: 3_600_000,
  pollMs: 3_600_000,
  listingMs: 3_600_000,
});
await agent.start();
transport.link.start();
if (settings.prepare) {
  const region = { name: 'PRIV-1', nativeName: 'r' };
  const call = { db: store.db, now: new Date(), signal: new AbortController().signal };
  await cloud.runInstances(region, { names: ['a', 'b', 'c'], cpu: 1, ramMb: 512, diskGb: 1, imageNativeId: 'img-ubuntu', publicKey: null, userData: null, tags: {} }, call);
  await agent.pollNow('PRIV-1');
  await agent.listNow('PRIV-1');
  const pending = await store.pending(1000);
  process.stdout.write(`${JSON.stringify({ pending })}\n`);
} else {
  await agent.outboxDrained();
  process.stdout.write(`${JSON.stringify({ drained: true })}\n`);
}
// Runs until killed.
setInterval(() => undefined, 60_000);
