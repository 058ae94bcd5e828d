import type { AgentRpcClient } from '../../agent/client/rpc-client.js';
import { driverCapabilities } from '../../agent/driver-methods.js';
import type { Driver } from '../../clouds/driver.js';
import type { RemoteDriverSource } from '../../clouds/registry.js';
import type { Clock } from '../../domain/clock.js';
import { agentPresence } from '../../domain/agent-presence.js';
import type { CloudKind } from '../../protocol/clouds.js';
import { AppError } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';
import type { AgentKeyring } from './keyring.js';
import { RemoteDriver } from './remote-driver.js';

interface Served {
  agent: string;
  lastSeen: string | null;
  onlineSince: string | null;
  heartbeatMs: number | null;
  capabilities: unknown;
  signingKeyId: string | null;
  keys: Array<{ accessKey: string; secretEncrypted: string }>;
}

const ago = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/**
 * The drivers of regions private agents serve. A call for a region whose agent is offline (or was
 * never seen, or never said it serves the region) fails at once, naming the agent and since when,
 * instead of waiting for a timeout; otherwise it goes to the agent (RemoteDriver).
 */
export class AgentRegions implements RemoteDriverSource {
  constructor(
    private readonly client: AgentRpcClient,
    private readonly keyring: AgentKeyring,
    private readonly clock: Clock,
    private readonly callTimeoutMs: number,
  ) {}

  /** Reads through `db`, the command's transaction: the region may have been made in it a moment ago. */
  async forRegion(region: { name: string; cloud: CloudKind; agentId: string }, db: Queryable): Promise<Driver> {
    const now = this.clock.now();
    const { rows } = await db.query<Served>(
      `SELECT a.name AS agent, p.last_seen AS "lastSeen", p.online_since AS "onlineSince", p.heartbeat_ms AS "heartbeatMs",
              ar.capabilities,
              COALESCE((SELECT k.access_key FROM agent_keys k WHERE k.agent_id = a.id AND (k.retires_at IS NULL OR k.retires_at > $3)
                         ORDER BY (k.access_key = p.key_id) DESC NULLS LAST, k.created_at DESC LIMIT 1), NULL) AS "signingKeyId",
              COALESCE((SELECT jsonb_agg(jsonb_build_object('accessKey', k.access_key, 'secretEncrypted', k.secret_encrypted))
                          FROM agent_keys k WHERE k.agent_id = a.id AND (k.retires_at IS NULL OR k.retires_at > $3)), '[]'::jsonb) AS keys
         FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id
         LEFT JOIN agent_regions ar ON ar.agent_id = a.id AND ar.region = $2
        WHERE a.id = $1`,
      [region.agentId, region.name, now.toISOString()],
    );
    const served = rows[0];
    if (!served) throw new AppError('unavailable', `region ${region.name} names an agent that no longer exists; give it another with \`maestro admin region update\``);
    const presence = agentPresence(
      served.lastSeen === null ? null : new Date(served.lastSeen),
      served.onlineSince === null ? null : new Date(served.onlineSince),
      now,
      served.heartbeatMs ?? 1,
    );
    if (presence.state === 'never') {
      throw new AppError('unavailable', `region ${region.name} is served by agent ${served.agent}, which has never connected; start it (maestro agent)`, {
        region: region.name,
        agent: served.agent,
      });
    }
    if (presence.state === 'offline') {
      const since = presence.since!;
      throw new AppError(
        'unavailable',
        `region ${region.name} is served by agent ${served.agent}, offline since ${since.toISOString()} (no heartbeat for ${ago(now.getTime() - since.getTime())}); ` +
          'start it or check its connection to RabbitMQ; nothing was changed',
        { region: region.name, agent: served.agent, since: since.toISOString() },
      );
    }
    const capabilities = driverCapabilities.safeParse(served.capabilities);
    if (!capabilities.success) {
      throw new AppError(
        'unavailable',
        `agent ${served.agent} has not said it serves region ${region.name}: add the region to its configuration and restart it`,
        { region: region.name, agent: served.agent },
      );
    }
    if (served.signingKeyId === null) {
      throw new AppError('unavailable', `agent ${served.agent} has no key in use; give it one with \`maestro admin agent rotate-key\``, { agent: served.agent });
    }
    this.keyring.learn(region.name, served.agent, served.keys, served.signingKeyId);
    return new RemoteDriver(region.cloud, capabilities.data, served.agent, this.client, this.callTimeoutMs);
  }
}
