import { randomBytes } from 'node:crypto';
import { Agent, type AgentOptions } from '../../../src/agent/agent.js';
import { AgentEventConsumer, type ReceivedAgentMessage } from '../../../src/agent/client/event-consumer.js';
import { AgentRpcClient } from '../../../src/agent/client/rpc-client.js';
import type { AgentKey } from '../../../src/agent/envelope.js';
import { AgentStore } from '../../../src/agent/store/agent-store.js';
import { AmqpAgentTransport } from '../../../src/agent/transport/amqp/agent-transport.js';
import { AmqpServerTransport } from '../../../src/agent/transport/amqp/server-transport.js';
import { ManualClock, type Clock } from '../../../src/domain/clock.js';

/** A key pair as Maestro issues them: an access key id and a 32-character secret. */
export const newKey = (agent: string): AgentKey => ({
  keyId: `AK${randomBytes(10).toString('hex').toUpperCase()}`,
  secret: randomBytes(16).toString('hex'),
  agent,
});

/** A clock that only moves when the test moves it, starting now (signatures compare dates with real clocks). */
export const manualNow = () => new ManualClock(new Date());

export interface RunningAgent {
  agent: Agent;
  /** The agent's clock: its timers (heartbeat, polls, reconnect back-off) move only when the test moves it. */
  clock: Clock;
  transport: AmqpAgentTransport;
  store: AgentStore;
  stop(): Promise<void>;
}

export async function startAgent(
  url: string,
  options: Omit<AgentOptions, 'transport' | 'store' | 'clock'> & { clock?: Clock; store?: AgentStore },
): Promise<RunningAgent> {
  const store = options.store ?? (await AgentStore.openEmbedded({ masterKey: randomBytes(32) }));
  const clock = options.clock ?? manualNow();
  const transport = new AmqpAgentTransport({ url, name: `agent ${options.name}`, clock, reconnect: { initialMs: 50, maxMs: 500 } });
  const agent = new Agent({ ...options, transport, store, clock });
  await agent.start();
  await transport.start();
  return {
    agent,
    clock,
    transport,
    store,
    async stop() {
      await agent.stop();
      await transport.close();
      await store.close();
    },
  };
}

export interface RunningServer {
  transport: AmqpServerTransport;
  client: AgentRpcClient;
  received: ReceivedAgentMessage[];
  consumer: AgentEventConsumer | null;
  stop(): Promise<void>;
}

/** A server node's side: the RPC client and, unless told otherwise, an events consumer recording what it gets. */
export async function startServer(
  url: string,
  keys: readonly AgentKey[],
  options: { consume?: boolean; clock?: Clock; handle?: (message: ReceivedAgentMessage) => Promise<void> } = {},
): Promise<RunningServer> {
  const transport = new AmqpServerTransport({ url, name: 'server node', reconnect: { initialMs: 50, maxMs: 500 } });
  const byId = new Map(keys.map((key) => [key.keyId, key]));
  const client = new AgentRpcClient({
    transport,
    clock: options.clock,
    // The newest key of the agent: the one it registered with in these tests.
    signingKey: () => keys[keys.length - 1],
    lookupKey: (keyId) => byId.get(keyId),
  });
  const received: ReceivedAgentMessage[] = [];
  const consumer =
    options.consume === false
      ? null
      : new AgentEventConsumer({
          transport,
          clock: options.clock,
          lookupKey: (keyId) => byId.get(keyId),
          retryDelayMs: 10,
          handle: async (message) => {
            await options.handle?.(message);
            received.push(message);
          },
        });
  await client.start();
  await consumer?.start();
  await transport.start();
  return {
    transport,
    client,
    received,
    consumer,
    async stop() {
      await client.close();
      await consumer?.close();
      await transport.close();
    },
  };
}
