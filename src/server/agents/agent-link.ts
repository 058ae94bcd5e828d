import { AgentEventConsumer } from '../../agent/client/event-consumer.js';
import { AgentRpcClient } from '../../agent/client/rpc-client.js';
import type { ServerTransport } from '../../agent/transport/transport.js';
import type { DriverRegistry } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import type { ReplayGuard } from '../../protocol/envelope/signed-message.js';
import type { Database } from '../../store/database.js';
import { initiatorOf, systemActor } from '../actor.js';
import type { EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../secrets.js';
import { applyAgentMessage } from './agent-messages.js';
import { AgentRegions } from './agent-regions.js';
import { AgentKeyring } from './keyring.js';

export interface AgentLinkOptions {
  db: Database;
  writer: EventWriter;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  clouds: DriverRegistry;
  /** Shared with the API's signatures: a message replayed to another node is refused there too. */
  replays: ReplayGuard;
  nodeName: string;
  callTimeoutMs: number;
  heartbeatMs: number;
  /** RabbitMQ (MAESTRO_AMQP_URL), or a transport of the tests' choosing. */
  transport: { amqpUrl: string; prefix: string } | ServerTransport;
}

/** This node's connection to the private agents. */
export interface AgentLink {
  readonly client: AgentRpcClient;
  readonly keyring: AgentKeyring;
  close(): Promise<void>;
}

/**
 * Connects this node to the private agents (docs/agent.md): requests to the regions they serve
 * go out through the RPC client, their messages (registration, heartbeats, events, listings) come
 * in through the shared events queue and are applied to the log and read models, and the regions
 * they serve get their drivers through them. The broker may be down at start: the link keeps
 * trying, and calls fail clearly meanwhile.
 */
export async function connectAgents(options: AgentLinkOptions): Promise<AgentLink> {
  const { db, clock, logger } = options;
  const log = logger.child({ component: 'agents' });
  // amqplib is loaded only for RabbitMQ: the embedded agent's in-process broker does without it.
  const transport =
    'amqpUrl' in options.transport
      ? new (await import('../../agent/transport/amqp/server-transport.js')).AmqpServerTransport({
          url: options.transport.amqpUrl,
          prefix: options.transport.prefix,
          name: `maestro ${options.nodeName}`,
          clock,
          log,
        })
      : options.transport;
  const keyring = new AgentKeyring(db, options.secrets, clock);
  const client = new AgentRpcClient({
    transport,
    signingKey: (region) => keyring.forRegion(region),
    lookupKey: (keyId) => keyring.lookup(keyId),
    clock,
    log,
    defaultTimeoutMs: options.callTimeoutMs,
  });
  const consumer = new AgentEventConsumer({
    transport,
    lookupKey: (keyId) => keyring.lookup(keyId),
    replays: options.replays,
    clock,
    log,
    handle: (message) =>
      applyAgentMessage(
        {
          db,
          writer: options.writer,
          clock,
          logger: log,
          defaultHeartbeatMs: options.heartbeatMs,
          origin: (agent) => ({ initiator: initiatorOf(systemActor('cloud')), requestId: null, observer: { typeURI: 'service/agent', id: agent } }),
        },
        message,
      ),
  });
  await client.start();
  await consumer.start();
  options.clouds.useAgents(new AgentRegions(client, keyring, clock, options.callTimeoutMs));
  return {
    client,
    keyring,
    async close() {
      await consumer.close();
      await client.close();
      await transport.close();
    },
  };
}
