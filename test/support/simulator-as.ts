import type { Driver, DriverCapabilities } from '../../src/clouds/driver.js';
import type { SimulatedCloud } from '../../src/clouds/sim/driver.js';
import type { CloudKind } from '../../src/protocol/clouds.js';

/** The simulator playing another cloud, with that cloud's capabilities (tag rules, billing granularity …). */
export function simulatorAs(sim: SimulatedCloud, cloud: CloudKind, overrides: Partial<DriverCapabilities>): Driver {
  const capabilities = { ...sim.capabilities, ...overrides };
  return new Proxy(sim, {
    get(target, property) {
      if (property === 'cloud') return cloud;
      if (property === 'capabilities') return capabilities;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Driver;
}
