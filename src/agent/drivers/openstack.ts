import { OpenStackDriver } from '../../clouds/openstack/driver.js';
import { systemClock } from '../../domain/clock.js';
import type { DriverFactory } from './registry.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The configuration with the sealed credentials laid over it (user.password, applicationCredential.secret …). */
function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merged(current, value) : value;
  }
  return out;
}

/**
 * OpenStack regions of an agent: the region's settings from the agent's configuration (Keystone's
 * address, project, user name, CA bundle), its secrets from the agent's sealed store (a password
 * or an application credential), the catalog region named by the region's native name.
 * Connecting makes a token request; a cloud out of reach at the agent's start is connected to later
 * (src/agent/drivers/reconnecting.ts).
 */
export const openStackDriverFactory: DriverFactory = {
  cloud: 'OPEN_STACK',
  // Volumes are assumed until the catalog can be read; a cloud without them answers unsupported.
  unconnectedCapabilities: OpenStackDriver.capabilitiesWith(true),
  create: ({ nativeName, config, credentials }) =>
    OpenStackDriver.connect(merged(merged(config, credentials ?? {}), { region: nativeName }), { clock: systemClock }),
};
