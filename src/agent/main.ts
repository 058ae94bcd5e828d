import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../domain/clock.js';
import { createLogger } from '../server/logger.js';
import { parseMasterKey } from '../server/secrets.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { Agent, type AgentRegion } from './agent.js';
import type { AgentConfig } from './config.js';
import { defaultAgentDrivers } from './drivers/index.js';
import type { AgentDriverRegistry, DriverFactory, RegionDriverSettings } from './drivers/registry.js';
import { ReconnectingDriver } from './drivers/reconnecting.js';
import { CloudError, type Driver } from '../clouds/driver.js';
import type { Log } from './log.js';
import { AgentStore } from './store/agent-store.js';
import { AmqpAgentTransport } from './transport/amqp/agent-transport.js';

/**
 * The key that seals the agent's store (its cloud credentials above all): MAESTRO_AGENT_MASTER_KEY,
 * or a key file (by default master.key in its data directory), made on first start, 0600.
 */
export function loadAgentMasterKey(config: Pick<AgentConfig, 'masterKey' | 'masterKeyFile' | 'dataDir'>): Buffer {
  if (config.masterKey) return parseMasterKey(config.masterKey, 'MAESTRO_AGENT_MASTER_KEY');
  const file = config.masterKeyFile ?? path.join(config.dataDir, 'master.key');
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}

/** The agent's store under its data directory, locked against a second process. */
export async function openAgentStore(config: AgentConfig): Promise<{ store: AgentStore; close(): Promise<void> }> {
  const unlock = lockDataDir(config.dataDir);
  try {
    const store = await AgentStore.openEmbedded({ dataDir: config.dataDir, masterKey: loadAgentMasterKey(config) });
    return {
      store,
      async close() {
        await store.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export interface AgentProcess {
  agent: Agent;
  transport: AmqpAgentTransport;
  log: Log;
  stop(): Promise<void>;
}

/**
 * A region's driver. A cloud out of reach at start (Keystone down) does not stop the agent when
 * its driver can say what it offers before connecting: the region is served by a driver that
 * connects later and fails each call clearly meanwhile.
 */
async function regionDriver(factory: DriverFactory, settings: RegionDriverSettings, clock: Clock, log: Log): Promise<Driver> {
  try {
    return await factory.create(settings);
  } catch (error) {
    if (!factory.unconnectedCapabilities || (error instanceof CloudError && !error.retryable)) throw error;
    log.error({ err: error, region: settings.region }, 'the region\'s cloud cannot be reached; serving it anyway and trying again');
    return new ReconnectingDriver(factory.cloud, factory.unconnectedCapabilities, async () => factory.create(settings), clock, error);
  }
}

/** Starts `maestro agent`: store, drivers built from configuration and sealed credentials, broker link, agent. */
export async function startAgentProcess(
  config: AgentConfig,
  options: { drivers?: AgentDriverRegistry; clock?: Clock; log?: Log } = {},
): Promise<AgentProcess> {
  const log = options.log ?? createLogger(config.logLevel).child({ component: 'agent', agent: config.name });
  const clock = options.clock ?? systemClock;
  const drivers = options.drivers ?? defaultAgentDrivers();
  const opened = await openAgentStore(config);
  try {
    const regions: AgentRegion[] = [];
    for (const region of config.regions) {
      const nativeName = region.nativeName ?? region.name;
      const credentials = await opened.store.credentials(region.name);
      regions.push({ name: region.name, nativeName, driver: await regionDriver(drivers.get(region.cloud), { region: region.name, nativeName, config: region.config, credentials }, clock, log) });
    }
    const transport = new AmqpAgentTransport({ url: config.amqpUrl, prefix: config.prefix, name: `maestro agent ${config.name}`, clock, log });
    const agent = new Agent({
      name: config.name,
      keys: config.keys,
      regions,
      transport,
      store: opened.store,
      clock,
      log,
      heartbeatMs: config.heartbeatSeconds * 1000,
      pollMs: config.pollSeconds * 1000,
      listingMs: config.listingSeconds * 1000,
      concurrency: config.concurrency,
    });
    await agent.start();
    // Connects in the background: without a broker the agent still polls, and its outbox waits.
    transport.link.start();
    return {
      agent,
      transport,
      log,
      async stop() {
        await agent.stop();
        await transport.close();
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
