import { systemActor } from './actor.js';
import type { Dispatcher } from './dispatch.js';
import type { EmbeddedAgent } from './embedded-agent.js';
import { EMBEDDED_AGENT } from './embedded-agent-names.js';
import type { Logger } from './logger.js';

/** What the first start made so that an instance can be run at once, as the API names them. */
export interface DefaultRegion {
  region: string;
  customer: string;
  tenant: string;
  /** The in-process agent that serves the region, where the server runs one (docs/agent.md). */
  agent?: string;
}


// Not sim-1: benchmarks and scripts commonly create regions named sim-1, sim-2 … themselves.
const REGION = { name: 'sim-local', nativeName: 'local', description: 'Simulated private region created at first start' };
const CUSTOMER = { name: 'default', displayName: 'Default customer' };
const TENANT = { name: 'default', description: 'Tenant created at first start, activated in the simulated region' };

/**
 * On the first start (the one that created the administrator) makes what running an instance
 * needs: a simulated private region with its public image catalog, a customer, and a tenant of
 * it activated in the region. Each is an ordinary command through the dispatcher by the system
 * actor `bootstrap`, audited like an administrator's. Tied to the administrator's creation, so
 * it happens once per installation: a region an administrator later renames or retires is never
 * made again. A failure does not stop the start: the log says what is missing and how to add it.
 *
 * Where the server can run the embedded agent, the region is reached through it: the agent is
 * registered (`agents.create`), started with the key pair it was given, and the region created
 * with it, so every command for the region crosses the same path as a real private cloud's.
 */
export async function createDefaultRegion(
  dispatcher: Dispatcher,
  logger: Logger,
  openEmbeddedAgent: (() => Promise<EmbeddedAgent>) | null = null,
): Promise<DefaultRegion | null> {
  const options = { actor: systemActor('bootstrap') };
  try {
    let agent: string | undefined;
    if (openEmbeddedAgent) {
      const { key } = (await dispatcher.call('agents.create', { name: EMBEDDED_AGENT, description: 'The in-process agent of the embedded default' }, options)) as {
        key: { accessKey: string; secretKey: string };
      };
      const running = await openEmbeddedAgent();
      await running.adopt(key, REGION);
      agent = running.name;
    }
    const region = (await dispatcher.call('regions.create', { ...REGION, cloud: 'SIMULATED', kind: 'private', ...(agent ? { agent } : {}) }, options)) as {
      name: string;
    };
    const customer = (await dispatcher.call('customers.create', CUSTOMER, options)) as { name: string };
    const tenant = (await dispatcher.call('tenants.create', { ...TENANT, customer: customer.name }, options)) as { name: string };
    await dispatcher.call('tenants.activateRegion', { tenant: tenant.name, region: region.name }, options);
    return { region: region.name, customer: customer.name, tenant: tenant.name, ...(agent ? { agent } : {}) };
  } catch (error) {
    logger.warn(
      { err: error },
      'could not create the default simulated region, customer and tenant; create them with `maestro admin region create`, ' +
        '`maestro admin customer create`, `maestro admin tenant create` and `maestro admin tenant activate-region`',
    );
    return null;
  }
}

/** The lines of the start-up banner about it: what exists, and the command that runs an instance. */
export function defaultRegionMessage(created: DefaultRegion): string[] {
  const tenant = created.tenant.toLowerCase();
  return [
    `  It also created the simulated region ${created.region} (with its public images) and the customer`,
    `  ${created.customer} with the tenant ${created.tenant}, activated in that region. Run a first instance with`,
    `    npx maestro instances run --tenant ${tenant} --region ${created.region.toLowerCase()} --image ubuntu-24.04 --shape SMALL`,
    `    npx maestro instances describe --tenant ${tenant}`,
    '  (MAESTRO_DEFAULT_SIM_REGION=false leaves them out of a new installation.)',
    '',
  ];
}
