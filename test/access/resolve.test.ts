import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange } from '../../src/domain/access/changes.js';
import { actionsBeyond, excessOf, gainsOf, roleGrants } from '../../src/domain/access/grants.js';
import { licenseVerdict, subscriptionState, type License } from '../../src/domain/access/license.js';
import { defaultGroups } from '../../src/domain/access/permission-groups.js';
import { builtInRoles } from '../../src/domain/access/roles.js';
import { authorKey, resolvePermissions, type CustomerAccess } from '../../src/domain/access/resolve.js';
import type { MappingLevel } from '../../src/protocol/access.js';
import { allPermissionActions, grantableActions, permissionActions } from '../../src/protocol/permissions.js';

const C = 'customer-1';
const T = 'tenant-1';
const U = 'user-1';

function access(overrides: Partial<CustomerAccess> = {}): CustomerAccess {
  return {
    customerId: C,
    groups: new Map([...Object.entries(defaultGroups), ['Only_Instances', ['DESCRIBE_INSTANCE']]]),
    roles: new Map(Object.entries(builtInRoles).map(([name, role]) => [name, role.groups])),
    customerMapping: null,
    tenantMappings: new Map(),
    roleMappings: new Map(),
    userMappings: new Map(),
    blockedRoles: new Set(),
    tenantRoles: new Map([[`${T}/${U}`, 'user']]),
    customerRoles: new Map(),
    mappingAuthors: new Map(),
    ...overrides,
  };
}
const member = { userId: U, customerId: C };

describe('permission resolution (seed §3.2.1 hierarchy)', () => {
  it('a user mapping in the tenant wins over everything', () => {
    const result = resolvePermissions(
      access({ userMappings: new Map([[`${T}/${U}`, ['Only_Instances']]]), tenantMappings: new Map([[T, ['Full_Access']]]), customerMapping: ['Full_Access'] }),
      member,
      T,
    );
    assert.equal(result.level, 'user');
    assert.deepEqual([...result.actions.keys()], ['DESCRIBE_INSTANCE']);
  });

  it("else the role's mapping in the tenant, else the role's own groups", () => {
    const own = resolvePermissions(access({ tenantMappings: new Map([[T, ['Read_Only']]]) }), member, T);
    assert.equal(own.level, 'role');
    assert.deepEqual(own.groups, builtInRoles.user!.groups);
    assert.ok(own.actions.has('RUN_INSTANCE'));
    const mapped = resolvePermissions(access({ roleMappings: new Map([[`${T}/user`, ['Only_Instances']]]) }), member, T);
    assert.equal(mapped.level, 'role');
    assert.deepEqual([...mapped.actions.keys()], ['DESCRIBE_INSTANCE']);
  });

  it('a blocked role falls through to the tenant mapping, then the customer mapping', () => {
    const blocked = new Set([`${T}/user`]);
    const tenant = resolvePermissions(access({ blockedRoles: blocked, tenantMappings: new Map([[T, ['Read_Only']]]), customerMapping: ['Full_Access'] }), member, T);
    assert.equal(tenant.level, 'tenant');
    assert.equal(tenant.roleBlocked, true);
    assert.ok(!tenant.actions.has('RUN_INSTANCE'));
    const customer = resolvePermissions(access({ blockedRoles: blocked, customerMapping: ['Billing_ReadOnly'] }), member, T);
    assert.equal(customer.level, 'customer');
    assert.ok(customer.actions.has('DESCRIBE_BILLING_REPORT'));
    const nothing = resolvePermissions(access({ blockedRoles: blocked }), member, T);
    assert.equal(nothing.level, null);
    assert.equal(nothing.actions.size, 0);
  });

  it('blocking a role in one tenant leaves it working in another', () => {
    const other = 'tenant-2';
    const result = resolvePermissions(
      access({ blockedRoles: new Set([`${T}/user`]), tenantRoles: new Map([[`${T}/${U}`, 'user'], [`${other}/${U}`, 'user']]) }),
      member,
      other,
    );
    assert.equal(result.level, 'role');
  });

  it('a customer-wide role applies where the user has no tenant role; a tenant role overrides it', () => {
    const customerAdmin = access({ tenantRoles: new Map(), customerRoles: new Map([[U, 'admin']]) });
    assert.equal(resolvePermissions(customerAdmin, member, T).role, 'admin');
    assert.ok(resolvePermissions(customerAdmin, member, null).actions.has('CREATE_TENANT'));
    const both = access({ customerRoles: new Map([[U, 'admin']]) });
    assert.equal(resolvePermissions(both, member, T).role, 'user');
  });

  it('users of another customer get nothing from customer or tenant mappings, only from a user mapping', () => {
    const stranger = { userId: 'user-9', customerId: 'customer-9' };
    const open = access({ customerMapping: ['Full_Access'], tenantMappings: new Map([[T, ['Full_Access']]]) });
    assert.equal(resolvePermissions(open, stranger, T).actions.size, 0);
    const granted = access({ userMappings: new Map([[`${T}/user-9`, ['Read_Only']]]) });
    assert.equal(resolvePermissions(granted, stranger, T).level, 'user');
  });

  it('a mapping grants nothing to the user who set it, at every level, and still serves the others', () => {
    const colleague = { userId: 'user-2', customerId: C };
    const setBy = (level: MappingLevel, key: string) => new Map([[authorKey(level, key), U]]);
    const userMapped = access({ userMappings: new Map([[`${T}/${U}`, ['Full_Access']]]), mappingAuthors: setBy('user', `${T}/${U}`) });
    assert.deepEqual([resolvePermissions(userMapped, member, T).level, resolvePermissions(userMapped, member, T).groups], ['role', builtInRoles.user!.groups]);
    const roleMapped = access({
      tenantRoles: new Map([[`${T}/${U}`, 'user'], [`${T}/user-2`, 'user']]),
      roleMappings: new Map([[`${T}/user`, ['Full_Access']]]),
      mappingAuthors: setBy('role', `${T}/user`),
    });
    assert.deepEqual(resolvePermissions(roleMapped, member, T).groups, builtInRoles.user!.groups);
    assert.deepEqual(resolvePermissions(roleMapped, colleague, T).groups, ['Full_Access']);
    // Blocked, the user falls past the tenant and customer mappings they set.
    const blockedRole = { blockedRoles: new Set([`${T}/user`]) };
    const tenantMapped = access({ ...blockedRole, tenantMappings: new Map([[T, ['Full_Access']]]), customerMapping: ['Basic'], mappingAuthors: setBy('tenant', T) });
    assert.equal(resolvePermissions(tenantMapped, member, T).level, 'customer');
    assert.equal(resolvePermissions(tenantMapped, colleague, T).level, 'tenant');
    const customerMapped = access({ ...blockedRole, customerMapping: ['Full_Access'], mappingAuthors: setBy('customer', '') });
    assert.equal(resolvePermissions(customerMapped, member, T).level, null);
    assert.equal(resolvePermissions(customerMapped, colleague, T).level, 'customer');
  });

  it('names the groups each action comes from', () => {
    const result = resolvePermissions(access({ roleMappings: new Map([[`${T}/user`, ['Read_Only', 'Only_Instances']]]) }), member, T);
    assert.deepEqual(result.actions.get('DESCRIBE_INSTANCE'), ['Read_Only', 'Only_Instances']);
  });
});

describe('grants', () => {
  it('a grant never exceeds its granter: the actions beyond are named once, in order', () => {
    const granter = new Map(defaultGroups.Manage_Cloud.map((action) => [action, ['Manage_Cloud']]));
    assert.deepEqual(actionsBeyond([...defaultGroups.Manage_Cloud_ReadOnly, ...defaultGroups.Basic.slice(0, 1)], granter), defaultGroups.Basic.slice(0, 1).filter((a) => !granter.has(a)));
    assert.deepEqual(actionsBeyond(['RUN_INSTANCE', 'RUN_INSTANCE', 'MANAGE_PERMISSION_MAPPING'], granter), ['RUN_INSTANCE']);
    assert.deepEqual(actionsBeyond(['UPDATE_QUOTA', 'DESCRIBE_LICENSE', 'RUN_INSTANCE'], granter), ['RUN_INSTANCE', 'UPDATE_QUOTA'], 'in catalogue order');
  });

  it('a role grants its groups in the place: the role mapping in a tenant; customer-wide, its role mappings too', () => {
    const mapped = access({ roleMappings: new Map([[`${T}/readonly`, ['Only_Instances']], ['tenant-2/readonly', ['Billing']]]) });
    assert.deepEqual(roleGrants(mapped, 'readonly', U, T), ['DESCRIBE_INSTANCE']);
    const everywhere = roleGrants(mapped, 'readonly', U, null);
    assert.ok(everywhere.includes('UPDATE_QUOTA') && everywhere.includes('DESCRIBE_INSTANCE') && !everywhere.includes('RUN_INSTANCE'));
    // A role mapping its holder set does not apply to her: the role's own groups do.
    const own = access({ roleMappings: new Map([[`${T}/readonly`, ['Full_Access']]]), mappingAuthors: new Map([[authorKey('role', `${T}/readonly`), U]]) });
    assert.ok(!roleGrants(own, 'readonly', U, T).includes('RUN_INSTANCE'));
  });

  it('a change gives people what they fall back to; beyond the granter it is excess, and the granter may gain nothing', () => {
    const G = 'granter';
    // U's user mapping holds her below her role; removing it gives her the role's groups back.
    const restricted = access({ userMappings: new Map([[`${T}/${U}`, ['Basic']]]), tenantRoles: new Map([[`${T}/${U}`, 'admin'], [`${T}/${G}`, 'user']]) });
    const removal = { kind: 'mapping', level: 'user', tenantId: T, role: null, userId: U, groups: null, setBy: G } as const;
    const gains = gainsOf(restricted, removal, [member, { userId: G, customerId: C }], [T]);
    assert.deepEqual(gains.map((gain) => gain.subject.userId), [U]);
    const granterMay = resolvePermissions(restricted, { userId: G, customerId: C }, T).actions;
    const excess = excessOf({ granterId: G, granterMay, granted: [], gains });
    assert.ok(excess && excess.gains[0]!.actions.includes('MANAGE_PERMISSION_MAPPING') && !excess.gains[0]!.actions.includes('RUN_INSTANCE'));
    // A role mapping that holds the granter's own role down stops applying to her once she sets it:
    // she would gain her role's groups, and any gain of her own is excess.
    const held = access({ roleMappings: new Map([[`${T}/user`, ['Only_Instances']]]) });
    const reset = { kind: 'mapping', level: 'role', tenantId: T, role: 'user', userId: null, groups: ['Only_Instances'], setBy: U } as const;
    const own = gainsOf(held, reset, [member], [T]);
    const everything = new Map(grantableActions.map((action) => [action, []]));
    assert.ok(excessOf({ granterId: U, granterMay: everything, granted: ['DESCRIBE_INSTANCE'], gains: own })!.gains[0]!.actions.includes('RUN_INSTANCE'));
    // Nothing gained, nothing granted beyond: no excess.
    assert.equal(excessOf({ granterId: G, granterMay: everything, granted: ['DESCRIBE_INSTANCE'], gains: [] }), null);
    assert.deepEqual(applyChange(held, { kind: 'block', tenantId: T, role: 'user', blocked: true }).blockedRoles, new Set([`${T}/user`]));
    assert.equal(held.blockedRoles.size, 0, 'the change leaves the access it was applied to as it was');
  });
});

describe('default permission groups', () => {
  it('never hold platform actions; Full_Access holds every other one', () => {
    for (const actions of Object.values(defaultGroups)) {
      for (const action of actions) assert.notEqual(permissionActions[action].category, 'platform', action);
    }
    assert.deepEqual([...defaultGroups.Full_Access].sort(), [...grantableActions].sort());
  });

  it('read-only groups hold only reading actions, and every reading action of their category', () => {
    for (const name of ['Read_Only', 'Resources_Management_ReadOnly', 'Billing_ReadOnly', 'Manage_Cloud_ReadOnly'] as const) {
      for (const action of defaultGroups[name]) assert.ok(permissionActions[action].readOnly, `${name} holds ${action}`);
    }
    assert.ok(defaultGroups.Resources_Management_ReadOnly.includes('DESCRIBE_INSTANCE'));
    assert.ok(!defaultGroups.Resources_Management.includes('DESCRIBE_BILLING_REPORT'));
    assert.ok(defaultGroups.Billing.includes('UPDATE_QUOTA'));
    assert.ok(defaultGroups.Manage_Cloud.includes('MANAGE_PERMISSION_MAPPING'));
    assert.ok(defaultGroups.Basic.includes('DESCRIBE_USER_PERMISSIONS'));
  });

  it('the catalog has wizard and page actions', () => {
    assert.ok(allPermissionActions.some((a) => a.endsWith('_WIZARD') && permissionActions[a].kind === 'wizard'));
    assert.ok(allPermissionActions.some((a) => a.endsWith('_PAGE') && permissionActions[a].kind === 'page'));
  });
});

describe('licences (seed §3.2.2)', () => {
  const license = (overrides: Partial<License> = {}): License => ({
    edition: 'professional',
    endsAt: '2026-12-01T00:00:00.000Z',
    graceDays: 10,
    suspended: false,
    toggles: {},
    ...overrides,
  });
  const before = new Date('2026-11-30T00:00:00Z');
  const inGrace = new Date('2026-12-05T00:00:00Z');
  const after = new Date('2026-12-12T00:00:00Z');

  it('is active until the end, in grace for graceDays, then suspended', () => {
    assert.equal(subscriptionState(license(), before), 'active');
    assert.equal(subscriptionState(license(), inGrace), 'grace');
    assert.equal(subscriptionState(license(), after), 'suspended');
    assert.equal(subscriptionState(license({ endsAt: null }), after), 'active');
    assert.equal(subscriptionState(license({ suspended: true }), before), 'suspended');
  });

  it('allows reading but not changing during grace, nothing once suspended', () => {
    assert.deepEqual(licenseVerdict(license(), 'compute', false, before), { allowed: true });
    assert.deepEqual(licenseVerdict(license(), 'compute', true, inGrace), { allowed: true });
    const change = licenseVerdict(license(), 'compute', false, inGrace);
    assert.ok(!change.allowed && /grace/.test(change.reason));
    const read = licenseVerdict(license(), 'compute', true, after);
    assert.ok(!read.allowed && /suspended/.test(read.reason));
  });

  it('follows the edition, and toggles switch features on or off', () => {
    const denied = licenseVerdict(license(), 'privateClouds', false, before);
    assert.ok(!denied.allowed && /enterprise/.test(denied.reason));
    assert.deepEqual(licenseVerdict(license({ toggles: { privateClouds: true } }), 'privateClouds', false, before), { allowed: true });
    assert.ok(!licenseVerdict(license({ toggles: { compute: false } }), 'compute', true, before).allowed);
    assert.ok(!licenseVerdict(license({ edition: 'standard' }), 'compute', true, before).allowed);
  });
});
