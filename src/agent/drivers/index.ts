import { memoryCloudFactory } from './memory.js';
import { openStackDriverFactory } from './openstack.js';
import { AgentDriverRegistry } from './registry.js';

/**
 * The drivers `maestro agent` knows. SIMULATED regions get an in-memory cloud (demonstrations,
 * tests); each real cloud's driver registers its factory here as it lands (OPEN_STACK first).
 */
export function defaultAgentDrivers(): AgentDriverRegistry {
  return new AgentDriverRegistry().register(memoryCloudFactory).register(openStackDriverFactory);
}
