import type { CloudKind } from '../../protocol/clouds.js';
import type { Driver, DriverCall, DriverCapabilities, RegionTarget } from '../../clouds/driver.js';

/** What the agent knows of one region when it builds the region's driver. */
export interface RegionDriverSettings {
  /** Maestro's name of the region. */
  region: string;
  /** The cloud's name of it (an OpenStack region, a vCenter datacenter …). */
  nativeName: string;
  /** The driver's settings from the agent's configuration (endpoints, CA bundle …): nothing secret. */
  config: Record<string, unknown>;
  /** The region's credentials from the agent's store (sealed at rest), or null when none were set. */
  credentials: Record<string, unknown> | null;
}

export interface DriverFactory {
  readonly cloud: CloudKind;
  create(settings: RegionDriverSettings): Driver | Promise<Driver>;
  /**
   * What the driver declares before it could connect, for a region whose cloud is out of reach
   * when the agent starts: the agent serves it anyway and connects later. Without it, such a
   * region stops the agent's start.
   */
  readonly unconnectedCapabilities?: DriverCapabilities;
}

/** A driver that can check its credentials cheaply (a token request); VALIDATE_REGION uses it. */
export interface CredentialCheck {
  validateCredentials(region: RegionTarget, call: DriverCall): Promise<void>;
}

export const hasCredentialCheck = (driver: Driver): driver is Driver & CredentialCheck =>
  typeof (driver as Partial<CredentialCheck>).validateCredentials === 'function';

/**
 * The drivers an agent can run, by cloud kind: each region of its configuration names a kind,
 * and the factory builds that region's driver from its settings and credentials. Drivers are
 * plugged in here (the OpenStack driver registers itself when it is part of the build).
 */
export class AgentDriverRegistry {
  readonly #factories = new Map<CloudKind, DriverFactory>();

  register(factory: DriverFactory): this {
    this.#factories.set(factory.cloud, factory);
    return this;
  }

  get(cloud: CloudKind): DriverFactory {
    const factory = this.#factories.get(cloud);
    if (!factory) {
      const known = [...this.#factories.keys()].join(', ') || 'none';
      throw new Error(`this agent has no driver for ${cloud} clouds (it has: ${known})`);
    }
    return factory;
  }

  clouds(): CloudKind[] {
    return [...this.#factories.keys()];
  }
}
