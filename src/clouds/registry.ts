import type { CloudKind } from '../protocol/clouds.js';
import { AppError } from '../protocol/errors.js';
import type { Queryable } from '../store/database.js';
import type { Driver } from './driver.js';

/** Where the drivers of regions served by private agents come from (src/server/agents/). */
export interface RemoteDriverSource {
  /** The region's driver; fails at once, saying why, when its agent cannot be reached. Reads through `db`. */
  forRegion(region: { name: string; cloud: CloudKind; agentId: string }, db: Queryable): Promise<Driver>;
}

/**
 * The drivers this node can use: its own, by cloud kind, and those of regions a private agent
 * serves, through the agent.
 */
export class DriverRegistry {
  readonly #drivers = new Map<CloudKind, Driver>();
  #remote: RemoteDriverSource | null = null;

  register(driver: Driver): void {
    this.#drivers.set(driver.cloud, driver);
  }

  has(cloud: CloudKind): boolean {
    return this.#drivers.has(cloud);
  }

  get(cloud: CloudKind): Driver {
    const driver = this.#drivers.get(cloud);
    if (!driver) {
      throw new AppError('unavailable', `this Maestro node has no driver for ${cloud} regions; the region can be registered but not used yet`);
    }
    return driver;
  }

  useAgents(source: RemoteDriverSource): void {
    this.#remote = source;
  }

  /** The driver that reaches a region: this node's own for its cloud, or its agent's (looked up through `db`, the caller's transaction). */
  async forRegion(region: { name: string; cloud: CloudKind; agentId: string | null }, db: Queryable): Promise<Driver> {
    if (region.agentId === null) return this.get(region.cloud);
    if (!this.#remote) {
      throw new AppError(
        'unavailable',
        `region ${region.name} is served by a private agent, and this Maestro node is not connected to agents; set MAESTRO_AMQP_URL ` +
          '(for the region of the embedded default, leave MAESTRO_EMBEDDED_AGENT on)',
      );
    }
    return this.#remote.forRegion({ name: region.name, cloud: region.cloud, agentId: region.agentId }, db);
  }

  clouds(): CloudKind[] {
    return [...this.#drivers.keys()];
  }
}
