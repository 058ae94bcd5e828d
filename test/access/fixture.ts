import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/server/actor.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { runningInstance } from '../compute/setup.js';

/** A tenant with a region and one of each resource, where a matrix of calls is made. */
export interface Home {
  customer: string;
  tenant: string;
  region: string;
  instanceId: string;
  spareUser: string;
  spareKey: string;
}

export interface MatrixActor {
  name: string;
  actor: Actor;
  customer: string | null;
  /** Role per tenant name, and customer-wide role. */
  tenantRoles: Record<string, string>;
  customerRole: string | null;
}

let counter = 0;
/** A fresh name for things a call creates; starts with a letter, as every name must. */
export const fresh = (prefix = 'n') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

async function user(admin: MaestroClient, name: string, customer: string | null): Promise<{ id: string; customerId: string | null }> {
  const created = await admin.users.create({ name, ...(customer ? { customer } : {}) });
  return { id: created.id, customerId: customer };
}

/** A spare user with a key, and a running instance, in a tenant already active in the region. */
export async function buildHome(admin: MaestroClient, customer: string, tenant: string, region: string): Promise<Home> {
  const spareUser = fresh('spare');
  await admin.users.create({ name: spareUser, customer });
  const key = await admin.keys.create({ user: spareUser });
  const instance = await runningInstance(admin, tenant, region, fresh('vm'));
  return { customer, tenant, region, instanceId: instance.id, spareUser, spareKey: key.accessKey };
}

/**
 * Customers A (tenants A1, A2), B (tenant B1) and S (tenant S1, whose licence is suspended),
 * a simulated region R active in all tenants and a second region R2 for simulator commands; a
 * spare user per customer whose roles, keys and mappings the calls change (never an actor's).
 */
export async function buildFixture(admin: MaestroClient, customerIdOf: (name: string) => Promise<string>) {
  // Organisation names are stored upper case; user names as given.
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const userSuffix = suffix.toLowerCase();
  const names = { A: `MX-A-${suffix}`, B: `MX-B-${suffix}`, S: `MX-S-${suffix}`, spare: `MX-SPARE-${suffix}` };
  const tenants = { A1: `A1-${suffix}`, A2: `A2-${suffix}`, B1: `B1-${suffix}`, S1: `S1-${suffix}` };
  const region = `R-${suffix}`;
  const region2 = `R2-${suffix}`;
  for (const customer of Object.values(names)) await admin.customers.create({ name: customer });
  await admin.regions.create({ name: region, cloud: 'SIMULATED', kind: 'private', nativeName: region.toLowerCase() });
  await admin.regions.create({ name: region2, cloud: 'SIMULATED', kind: 'private', nativeName: region2.toLowerCase() });
  const customerOfTenant = { A1: names.A, A2: names.A, B1: names.B, S1: names.S } as const;
  for (const [key, tenant] of Object.entries(tenants)) {
    await admin.tenants.create({ customer: customerOfTenant[key as keyof typeof tenants], name: tenant });
    await admin.tenants.activateRegion({ tenant, region });
  }
  await admin.roles.save({ customer: names.A, name: 'spare', groups: ['Basic'] });
  await admin.roles.save({ customer: names.S, name: 'spare', groups: ['Basic'] });

  const actors: MatrixActor[] = [];
  const addActor = async (name: string, customer: string | null, tenantRoles: Record<string, string>, customerRole: string | null) => {
    const created = await user(admin, `${name}-${userSuffix}`, customer);
    for (const [tenant, role] of Object.entries(tenantRoles)) await admin.users.addRole({ name: `${name}-${userSuffix}`, tenant, role });
    if (customerRole) await admin.users.addCustomerRole({ name: `${name}-${userSuffix}`, role: customerRole });
    actors.push({
      name,
      actor: { kind: 'user', userId: created.id, name: `${name}-${userSuffix}`, systemAdmin: false, customerId: customer ? await customerIdOf(customer) : null, accessKey: null },
      customer,
      tenantRoles,
      customerRole,
    });
  };
  await addActor('tenant-admin', names.A, { [tenants.A1]: 'admin' }, null);
  await addActor('read-only', names.A, { [tenants.A1]: 'readonly' }, null);
  await addActor('billing', names.A, { [tenants.A1]: 'billing' }, null);
  await addActor('resource-user', names.A, { [tenants.A1]: 'user' }, null);
  await addActor('other-tenant', names.A, { [tenants.A2]: 'admin' }, null);
  await addActor('customer-admin', names.A, {}, 'admin');
  await addActor('other-customer', names.B, { [tenants.B1]: 'admin' }, null);
  await addActor('suspended', names.S, { [tenants.S1]: 'admin' }, 'admin');

  const homes = { A: await buildHome(admin, names.A, tenants.A1, region), S: await buildHome(admin, names.S, tenants.S1, region) };
  await admin.licenses.set({ customer: names.S, edition: 'enterprise', suspended: true });
  return { names, tenants, region, region2, actors, homes };
}

export type Fixture = Awaited<ReturnType<typeof buildFixture>>;
