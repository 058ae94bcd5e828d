import { randomUUID } from 'node:crypto';
import type { CommandScope } from '../../src/protocol/command.js';
import { fresh, type Fixture, type Home } from './fixture.js';

type Sample = (f: Fixture, home: Home) => Record<string, unknown>;

/**
 * One valid call per command, acting in a home tenant. Valid means it passes input validation,
 * so that what the matrix sees is authorisation; what the handler then answers (done, not found,
 * wrong state) all counts as allowed. Calls change only spare things, never an actor's rights.
 * A new command without a sample here fails the matrix test.
 */
export const samples: Record<string, Sample> = {
  'customers.create': () => ({ name: fresh('C') }),
  'customers.describe': () => ({}),
  'customers.update': (f) => ({ name: f.names.spare, displayName: 'Spare' }),
  'tenantGroups.create': (_f, h) => ({ customer: h.customer, name: fresh('g') }),
  'tenantGroups.describe': () => ({}),
  'tenantGroups.delete': (_f, h) => ({ customer: h.customer, name: 'no-such-group' }),
  'tenants.create': (_f, h) => ({ customer: h.customer, name: fresh('t') }),
  'tenants.describe': () => ({}),
  'tenants.update': (_f, h) => ({ name: h.tenant, description: 'changed by the matrix' }),
  'tenants.activateRegion': (_f, h) => ({ tenant: h.tenant, region: h.region }),
  'tenants.deactivateRegion': (f, h) => ({ tenant: h.tenant, region: f.region2 }),
  'regions.create': () => ({ name: fresh('r'), cloud: 'AWS', kind: 'public', nativeName: 'eu-west-1' }),
  'regions.describe': () => ({}),
  'regions.update': (f) => ({ name: f.region2, description: 'changed' }),
  'regions.discover': (f) => ({ name: f.region2 }),
  'users.create': (_f, h) => ({ name: fresh('u'), customer: h.customer }),
  'users.describe': () => ({}),
  'users.whoami': () => ({}),
  'users.update': (_f, h) => ({ name: h.spareUser, displayName: 'Spare' }),
  'users.setPassword': (_f, h) => ({ name: h.spareUser, password: 'a long enough password' }),
  'users.addRole': (_f, h) => ({ name: h.spareUser, tenant: h.tenant, role: 'readonly' }),
  'users.addCustomerRole': (_f, h) => ({ name: h.spareUser, role: 'readonly' }),
  'users.removeCustomerRole': (_f, h) => ({ name: h.spareUser }),
  'users.removeRole': (_f, h) => ({ name: h.spareUser, tenant: h.tenant }),
  'keys.create': (_f, h) => ({ user: h.spareUser }),
  'keys.describe': (_f, h) => ({ user: h.spareUser }),
  'keys.delete': (_f, h) => ({ accessKey: h.spareKey }),
  'permissions.describeActions': () => ({}),
  'permissions.describeGroups': () => ({}),
  'permissions.saveGroup': (_f, h) => ({ customer: h.customer, name: fresh('G'), actions: ['DESCRIBE_INSTANCE'] }),
  'permissions.deleteGroup': (_f, h) => ({ customer: h.customer, name: 'No_Such_Group' }),
  'permissions.describeUser': (_f, h) => ({ tenant: h.tenant, user: h.spareUser }),
  'roles.describe': () => ({}),
  'roles.save': (_f, h) => ({ customer: h.customer, name: fresh('role'), groups: ['Basic'] }),
  'roles.delete': (_f, h) => ({ customer: h.customer, name: 'no-such-role' }),
  'roles.block': (_f, h) => ({ tenant: h.tenant, role: 'spare' }),
  'roles.unblock': (_f, h) => ({ tenant: h.tenant, role: 'readonly' }),
  'mappings.describe': () => ({}),
  'mappings.set': (_f, h) => ({ level: 'user', tenant: h.tenant, user: h.spareUser, groups: ['Basic'] }),
  'mappings.remove': (_f, h) => ({ level: 'user', tenant: h.tenant, user: h.spareUser }),
  'licenses.describe': () => ({}),
  'licenses.set': (f) => ({ customer: f.names.spare, edition: 'professional' }),
  'licenses.toggleFeature': (f) => ({ customer: f.names.spare, feature: 'iac', enabled: true }),
  'shapes.describe': (_f, h) => ({ region: h.region }),
  'shapes.create': (f) => ({ region: f.region2, name: fresh('S').toUpperCase(), cpu: 1, ramGb: 1 }),
  'shapes.delete': (f) => ({ region: f.region2, name: 'NO-SUCH-SHAPE' }),
  'images.describe': (_f, h) => ({ tenant: h.tenant, region: h.region }),
  'images.create': (_f, h) => ({ tenant: h.tenant, instance: h.instanceId, name: fresh('img') }),
  'images.delete': (_f, h) => ({ tenant: h.tenant, id: randomUUID() }),
  'instances.run': (_f, h) => ({ tenant: h.tenant, region: h.region, image: 'ubuntu-24.04', shape: 'MICRO', name: fresh('vm') }),
  'instances.describe': (_f, h) => ({ tenant: h.tenant }),
  'instances.start': (_f, h) => ({ tenant: h.tenant, id: h.instanceId }),
  'instances.stop': (_f, h) => ({ tenant: h.tenant, id: randomUUID() }),
  'instances.reboot': (_f, h) => ({ tenant: h.tenant, id: h.instanceId }),
  'instances.terminate': (_f, h) => ({ tenant: h.tenant, id: randomUUID() }),
  'instances.setTerminationProtection': (_f, h) => ({ tenant: h.tenant, id: h.instanceId, enabled: false }),
  'volumes.create': (_f, h) => ({ tenant: h.tenant, region: h.region, name: fresh('vol'), sizeGb: 1 }),
  'volumes.attach': (_f, h) => ({ tenant: h.tenant, id: randomUUID(), instance: h.instanceId }),
  'volumes.detach': (_f, h) => ({ tenant: h.tenant, id: randomUUID() }),
  'volumes.delete': (_f, h) => ({ tenant: h.tenant, id: randomUUID() }),
  'volumes.describe': (_f, h) => ({ tenant: h.tenant }),
  'sshKeys.create': (_f, h) => ({ tenant: h.tenant, name: fresh('key') }),
  'sshKeys.import': (_f, h) => ({ tenant: h.tenant, name: fresh('key'), publicKey: 'ssh-ed25519 not-a-key' }),
  'sshKeys.describe': (_f, h) => ({ tenant: h.tenant }),
  'sshKeys.delete': (_f, h) => ({ tenant: h.tenant, name: 'no-such-key' }),
  'tags.set': (_f, h) => ({ tenant: h.tenant, resourceId: h.instanceId, tags: { matrix: 'yes' } }),
  'tags.delete': (_f, h) => ({ tenant: h.tenant, resourceId: h.instanceId, keys: ['matrix'] }),
  'tags.describe': (_f, h) => ({ tenant: h.tenant, resourceId: h.instanceId }),
  'resources.describe': (_f, h) => ({ tenant: h.tenant }),
  'simulator.configure': (f) => ({ region: f.region2, latencyMs: 0 }),
  'simulator.injectFault': (f) => ({ region: f.region2, operation: 'stop', kind: 'error' }),
  'simulator.clearFaults': (f) => ({ region: f.region2 }),
  'simulator.createOutside': (f) => ({ region: f.region2, count: 1 }),
  'simulator.destroyOutside': (f) => ({ region: f.region2, nativeIds: ['no-such-vm'] }),
  'simulator.kill': (f) => ({ region: f.region2, nativeId: 'no-such-vm' }),
  'system.status': () => ({}),
  'system.rebuild': () => ({}),
};

/**
 * Where a sample acts when that differs from its command's declared scope: asking about another
 * user's permissions is a `self` command whose handler checks the tenant permission.
 */
export const effectiveScopes: Record<string, CommandScope> = {
  'permissions.describeUser': { kind: 'tenant', field: 'tenant' },
};
