import assert from 'node:assert/strict';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { AppError } from '../../src/protocol/errors.js';
import { MaestroError, type MaestroClient } from '../../src/sdk/client.js';
import { eventually } from '../support/eventually.js';

/** A customer, a tenant and a simulated region it is activated in. */
export async function simulatedTenant(admin: MaestroClient, names: { customer: string; tenant: string; region: string }) {
  await admin.customers.create({ name: names.customer });
  await admin.tenants.create({ customer: names.customer, name: names.tenant });
  await admin.regions.create({ name: names.region, cloud: 'SIMULATED', kind: 'private', nativeName: names.region.toLowerCase() });
  await admin.tenants.activateRegion({ tenant: names.tenant, region: names.region });
}

/** Waits until every listed instance reaches the state (transitions complete asynchronously). */
export async function waitForState(admin: MaestroClient, tenant: string, ids: string[], state: string): Promise<Instance[]> {
  let seen: Instance[] = [];
  return eventually(
    async () => {
      seen = (await admin.instances.describe({ tenant, ids })).items;
      return seen.length === ids.length && seen.every((i) => i.state === state) && seen;
    },
    () => `instances to reach ${state}: ${seen.map((i) => `${i.name}=${i.state}`).join(', ')}`,
  );
}

/** Runs one instance and waits until the simulated cloud reports it running. */
export async function runningInstance(
  client: MaestroClient,
  tenant: string,
  region: string,
  name: string,
  tags?: Record<string, string>,
): Promise<Instance> {
  const { instances } = await client.instances.run({ tenant, region, image: 'ubuntu-24.04', shape: 'SMALL', name, ...(tags ? { tags } : {}) });
  const [running] = await waitForState(client, tenant, [instances[0]!.id], 'running');
  return running!;
}

/** For assert.rejects: the error has this kind (and message). */
export const failsWith = (kind: string, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof MaestroError || error instanceof AppError, String(error));
  assert.equal(error.kind, kind, error.message);
  if (pattern) assert.match(error.message, pattern);
  return true;
};
