import { Agent } from '../agent/agent.js';
import { AgentStore } from '../agent/store/agent-store.js';
import type { InProcessBroker } from '../agent/transport/in-process.js';
import { SimulatedCloud } from '../clouds/sim/driver.js';
import type { Clock } from '../domain/clock.js';
import type { Database, Queryable } from '../store/database.js';
import { EMBEDDED_AGENT, embeddedAgentDirectory } from './embedded-agent-names.js';
import type { Logger } from './logger.js';

const IDENTITY = 'embedded-agent';
// Transitions of the simulator complete when the agent polls: often enough that a run looks as quick as without it.
const POLL_MS = 1000;
const REGISTRATION_WAIT_MS = 30_000;

/** What the embedded agent keeps sealed in its store: its key pair and the regions it serves. */
interface Identity {
  keyId: string;
  secret: string;
  regions: Array<{ name: string; nativeName: string }>;
}

/** The simulator the embedded agent serves and the store holding its state, for the simulator's own commands. */
export interface EmbeddedSimulator {
  agent: string;
  simulator: SimulatedCloud;
  db: Queryable;
}

export interface EmbeddedAgentOptions {
  /** The server's database, where the agent's registration is seen. */
  db: Database;
  dataDir: string;
  masterKey: Buffer;
  broker: InProcessBroker;
  clock: Clock;
  simLatencyMs: number;
  logger: Logger;
  version: string;
}

/**
 * The embedded default's private agent: the code `maestro agent` runs, in the server's process,
 * reached over an in-process broker, with its own store under `<data>/agent` that also holds the
 * state of the simulated region it serves. Commands for that region cross the same envelope,
 * executor, outbox and events as a real cloud behind a real agent (docs/agent.md).
 */
export class EmbeddedAgent {
  #agent: Agent | null = null;

  private constructor(
    private readonly options: EmbeddedAgentOptions,
    readonly store: AgentStore,
    readonly simulator: SimulatedCloud,
  ) {}

  static async open(options: EmbeddedAgentOptions): Promise<EmbeddedAgent> {
    const store = await AgentStore.openEmbedded({ dataDir: embeddedAgentDirectory(options.dataDir), masterKey: options.masterKey });
    return new EmbeddedAgent(options, store, new SimulatedCloud({ latencyMs: options.simLatencyMs }));
  }

  get name(): string {
    return EMBEDDED_AGENT.toUpperCase();
  }

  /** Starts with the identity an earlier start kept; false when there is none (the first start makes it with `adopt`). */
  async resume(): Promise<boolean> {
    const identity = await this.store.sealed<Identity>(IDENTITY);
    if (!identity) return false;
    await this.#start(identity);
    return true;
  }

  /**
   * The first start: keeps the key pair `agents.create` gave and starts serving `region`, then
   * waits until the server has recorded the agent's registration, so that the region can be
   * created through it at once.
   */
  async adopt(key: { accessKey: string; secretKey: string }, region: { name: string; nativeName: string }): Promise<void> {
    const identity: Identity = { keyId: key.accessKey, secret: key.secretKey, regions: [{ name: region.name.toUpperCase(), nativeName: region.nativeName }] };
    await this.store.setSealed(IDENTITY, identity, this.options.clock.now());
    await this.#start(identity);
    await this.#registered(identity.regions[0]!.name);
  }

  simulatorView(): EmbeddedSimulator {
    return { agent: this.name, simulator: this.simulator, db: this.store.db };
  }

  async close(): Promise<void> {
    await this.#agent?.stop();
    this.#agent = null;
    await this.store.close();
  }

  async #start(identity: Identity): Promise<void> {
    const { broker, clock, logger, version } = this.options;
    this.#agent = new Agent({
      name: this.name,
      keys: [{ keyId: identity.keyId, secret: identity.secret }],
      regions: identity.regions.map((region) => ({ ...region, driver: this.simulator })),
      transport: broker.agentTransport(),
      store: this.store,
      clock,
      version,
      pollMs: POLL_MS,
      log: logger.child({ agent: this.name }),
    });
    await this.#agent.start();
  }

  /** Until the server knows the agent serves the region (its REGISTER, through the outbox and the broker). */
  async #registered(region: string): Promise<void> {
    const deadline = Date.now() + REGISTRATION_WAIT_MS;
    for (;;) {
      const { rows } = await this.options.db.query(
        'SELECT 1 FROM agent_regions ar JOIN agents a ON a.id = ar.agent_id WHERE a.name = $1 AND ar.region = $2',
        [this.name, region],
      );
      if (rows.length > 0) return;
      if (Date.now() > deadline) throw new Error(`the embedded agent did not register within ${REGISTRATION_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
