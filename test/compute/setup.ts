import type { MaestroClient } from '../../src/sdk/client.js';

/** A customer, a tenant and a simulated region it is activated in. */
export async function simulatedTenant(admin: MaestroClient, names: { customer: string; tenant: string; region: string }) {
  await admin.customers.create({ name: names.customer });
  await admin.tenants.create({ customer: names.customer, name: names.tenant });
  await admin.regions.create({ name: names.region, cloud: 'SIMULATED', kind: 'private', nativeName: names.region.toLowerCase() });
  await admin.tenants.activateRegion({ tenant: names.tenant, region: names.region });
}

/** Polls until every listed instance reaches the state (transitions complete asynchronously). */
export async function waitForState(admin: MaestroClient, tenant: string, ids: string[], state: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await admin.instances.describe({ tenant, ids });
    if (items.length === ids.length && items.every((i) => i.state === state)) return items;
    if (Date.now() > deadline) throw new Error(`instances did not reach ${state}: ${items.map((i) => `${i.name}=${i.state}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
