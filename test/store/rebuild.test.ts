import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { AppError, type ErrorKind } from '../../src/protocol/errors.js';
import { systemActor, type Actor } from '../../src/server/actor.js';
import { projections } from '../../src/server/projections/index.js';
import { organisationProjections } from '../../src/server/projections/organisation.js';
import { headSeq, readEvents } from '../../src/store/event-log.js';
import { rebuildProjections } from '../../src/store/rebuild.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { seededRandom, snapshotTables, startNode, type TestNode } from '../support/store-helpers.js';

const SEED = 20_260_101;
const COMMANDS = 300;
const tables = projections.flatMap((projection) => projection.tables);

/** Kinds a user's refused call leaves a `command.rejected` record for (see Dispatcher). */
const audited = new Set<ErrorKind>(['forbidden', 'license', 'not_found', 'conflict', 'invalid_state', 'limit_exceeded']);

/** What the test believes the organisation looks like, to aim commands and predict their outcome. */
class Model {
  customers = new Map<string, { active: boolean }>();
  /** `CUSTOMER/GROUP` → tenants in the group. */
  groups = new Map<string, Set<string>>();
  tenants = new Map<string, { customer: string; group: string | null }>();
  regions = new Set<string>();
  /** `TENANT|REGION` */
  activations = new Set<string>();
  users = new Map<string, { customer: string | null }>();
  /** `user|TENANT` */
  roles = new Set<string>();
  /** access key → user */
  keys = new Map<string, string>();
  counter = 0;
  next(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }
}

interface Step {
  label: string;
  method: string;
  params: Record<string, unknown>;
  /** 'ok', or the error kind the call must fail with. */
  expect: 'ok' | ErrorKind;
  /** Applied to the model after a successful call. */
  then?: (output: unknown) => void;
}

type Random = ReturnType<typeof seededRandom>;

function planStep(rng: Random, m: Model, passwordsLeft: { n: number }): Step {
  const customers = [...m.customers.keys()];
  const groups = [...m.groups.keys()];
  const tenants = [...m.tenants.keys()];
  const regions = [...m.regions];
  const users = [...m.users.keys()];

  const newCustomer = (): Step => {
    const name = m.next('cust-');
    return {
      label: 'new customer',
      method: 'customers.create',
      // Lower case on the way in, upper case when stored.
      params: { name, ...(rng.chance(0.5) ? { displayName: `Customer ${name}` } : {}) },
      expect: 'ok',
      then: () => m.customers.set(name.toUpperCase(), { active: true }),
    };
  };
  const newRegion = (): Step => {
    const name = m.next('REGION-');
    return {
      label: 'new region',
      method: 'regions.create',
      params: {
        name,
        cloud: rng.pick(['AWS', 'AZURE', 'GOOGLE', 'SIMULATED'] as const),
        kind: rng.pick(['public', 'private'] as const),
        nativeName: `native-${name.toLowerCase()}`,
        ...(rng.chance(0.3) ? { description: 'a region' } : {}),
      },
      expect: 'ok',
      then: () => m.regions.add(name),
    };
  };
  if (customers.length === 0) return newCustomer();
  if (regions.length === 0) return newRegion();
  const customer = rng.pick(customers)!;

  const newTenant = (): Step => {
    const name = m.next('TENANT-');
    const groupsOfCustomer = groups.filter((g) => g.startsWith(`${customer}/`));
    const group = rng.chance(0.6) ? rng.pick(groupsOfCustomer) : undefined;
    const groupName = group?.slice(customer.length + 1);
    return {
      label: 'new tenant',
      method: 'tenants.create',
      params: {
        customer: customer.toLowerCase(),
        name,
        ...(groupName ? { group: groupName } : {}),
        ...(rng.chance(0.5) ? { contacts: [`ops-${m.counter}@example.test`] } : {}),
        ...(rng.chance(0.3) ? { description: 'made by the rebuild test' } : {}),
      },
      expect: m.customers.get(customer)!.active ? 'ok' : 'invalid_state',
      then: () => {
        m.tenants.set(name, { customer, group: group ?? null });
        if (group) m.groups.get(group)!.add(name);
      },
    };
  };
  if (tenants.length === 0) return newTenant();
  const tenant = rng.pick(tenants)!;
  const tenantInfo = m.tenants.get(tenant)!;
  const region = rng.pick(regions)!;

  const newUser = (): Step => {
    const name = m.next('User.');
    const admin = rng.chance(0.2);
    const owner = admin ? null : rng.chance(0.8) ? customer : null;
    return {
      label: 'new user',
      method: 'users.create',
      params: {
        name,
        ...(owner ? { customer: owner } : {}),
        ...(admin ? { systemAdmin: true } : {}),
        ...(rng.chance(0.5) ? { email: `${name.toLowerCase()}@example.test` } : {}),
      },
      expect: 'ok',
      then: () => m.users.set(name.toLowerCase(), { customer: owner }),
    };
  };
  if (users.length === 0) return newUser();
  const user = rng.pick(users)!;

  const choice = rng.int(30);
  switch (choice) {
    case 0:
    case 1:
      return newCustomer();
    case 2:
      return {
        label: 'duplicate customer (other case)',
        method: 'customers.create',
        params: { name: customer.toLowerCase() },
        expect: 'conflict',
      };
    case 3: {
      const active = rng.chance(0.7);
      return {
        label: 'update customer',
        method: 'customers.update',
        params: { name: customer, status: active ? 'active' : 'inactive', ...(rng.chance(0.5) ? { displayName: `C ${m.counter}` } : {}) },
        expect: 'ok',
        then: () => (m.customers.get(customer)!.active = active),
      };
    }
    case 4:
    case 5: {
      const name = m.next('GROUP-');
      return {
        label: 'new tenant group',
        method: 'tenantGroups.create',
        params: { customer, name, ...(rng.chance(0.5) ? { description: 'a group' } : {}) },
        expect: 'ok',
        then: () => m.groups.set(`${customer}/${name}`, new Set()),
      };
    }
    case 6: {
      const group = rng.pick(groups);
      if (!group) return { label: 'group of a missing customer', method: 'tenantGroups.create', params: { customer: 'NO-SUCH-CUSTOMER', name: 'G' }, expect: 'not_found' };
      const [owner, name] = group.split('/') as [string, string];
      return { label: 'duplicate tenant group', method: 'tenantGroups.create', params: { customer: owner, name: name.toLowerCase() }, expect: 'conflict' };
    }
    case 7: {
      const group = rng.pick(groups);
      if (!group) return { label: 'delete a missing group', method: 'tenantGroups.delete', params: { customer, name: 'NO-SUCH-GROUP' }, expect: 'not_found' };
      const [owner, name] = group.split('/') as [string, string];
      const empty = m.groups.get(group)!.size === 0;
      return {
        label: 'delete tenant group',
        method: 'tenantGroups.delete',
        params: { customer: owner, name },
        expect: empty ? 'ok' : 'invalid_state',
        then: () => m.groups.delete(group),
      };
    }
    case 8:
    case 9:
      return newTenant();
    case 10:
      return {
        label: 'duplicate tenant',
        method: 'tenants.create',
        params: { customer, name: tenant.toLowerCase() },
        expect: m.customers.get(customer)!.active ? 'conflict' : 'invalid_state',
      };
    case 11:
    case 12: {
      const params: Record<string, unknown> = { name: tenant };
      let groupChange: string | null | undefined;
      let expect: Step['expect'] = 'ok';
      if (rng.chance(0.4)) params.displayName = `Tenant ${m.counter}`;
      if (rng.chance(0.3)) params.description = `changed at ${m.counter}`;
      if (rng.chance(0.3)) params.contacts = rng.chance(0.5) ? [] : [`a${m.counter}@example.test`, `b${m.counter}@example.test`];
      if (rng.chance(0.2)) params.status = rng.pick(['active', 'inactive']);
      if (rng.chance(0.4)) {
        const target = rng.chance(0.3) ? null : rng.pick(groups);
        if (target === undefined || target === null) {
          groupChange = null;
          params.group = null;
        } else {
          const [owner, name] = target.split('/') as [string, string];
          params.group = name;
          if (owner === tenantInfo.customer) groupChange = target;
          else expect = 'not_found'; // groups are looked up within the tenant's customer
        }
      }
      return {
        label: 'update tenant',
        method: 'tenants.update',
        params,
        expect,
        then: () => {
          if (groupChange === undefined) return;
          if (tenantInfo.group) m.groups.get(tenantInfo.group)?.delete(tenant);
          tenantInfo.group = groupChange;
          if (groupChange) m.groups.get(groupChange)!.add(tenant);
        },
      };
    }
    case 13:
      return newRegion();
    case 14:
      return { label: 'duplicate region', method: 'regions.create', params: { name: region.toLowerCase(), cloud: 'AWS', kind: 'public', nativeName: 'x' }, expect: 'conflict' };
    case 15:
      return {
        label: 'update region',
        method: 'regions.update',
        params: { name: region, status: rng.pick(['active', 'inactive', 'maintenance']), ...(rng.chance(0.3) ? { nativeName: `n-${m.counter}` } : {}) },
        expect: 'ok',
      };
    case 16:
    case 17: {
      const key = `${tenant}|${region}`;
      const active = m.activations.has(key);
      return {
        label: 'activate region',
        method: 'tenants.activateRegion',
        params: { tenant, region },
        expect: active ? 'invalid_state' : 'ok',
        then: () => m.activations.add(key),
      };
    }
    case 18: {
      const key = rng.chance(0.7) ? rng.pick([...m.activations]) : undefined;
      const [t, r] = key ? (key.split('|') as [string, string]) : [tenant, region];
      const active = m.activations.has(`${t}|${r}`);
      return {
        label: 'deactivate region',
        method: 'tenants.deactivateRegion',
        params: { tenant: t, region: r },
        expect: active ? 'ok' : 'invalid_state',
        then: () => m.activations.delete(`${t}|${r}`),
      };
    }
    case 19:
    case 20:
      return newUser();
    case 21:
      return { label: 'duplicate user', method: 'users.create', params: { name: user.toUpperCase() }, expect: 'conflict' };
    case 22:
      return {
        label: 'update user',
        method: 'users.update',
        params: {
          name: user,
          ...(rng.chance(0.5) ? { email: rng.chance(0.3) ? null : `new-${m.counter}@example.test` } : {}),
          ...(rng.chance(0.5) ? { displayName: `User ${m.counter}` } : {}),
          status: rng.pick(['active', 'disabled']),
        },
        expect: 'ok',
      };
    case 23:
    case 24: {
      const owner = m.users.get(user)!.customer;
      const allowed = owner === null || owner === tenantInfo.customer;
      return {
        label: 'grant role',
        method: 'users.addRole',
        params: { name: user, tenant, role: rng.pick(['admin', 'user', 'readonly']) },
        expect: allowed ? 'ok' : 'invalid_input',
        then: () => m.roles.add(`${user}|${tenant}`),
      };
    }
    case 25: {
      const key = rng.chance(0.75) ? rng.pick([...m.roles]) : undefined;
      const [u, t] = key ? (key.split('|') as [string, string]) : [user, tenant];
      return {
        label: 'revoke role',
        method: 'users.removeRole',
        params: { name: u, tenant: t },
        expect: m.roles.has(`${u}|${t}`) ? 'ok' : 'invalid_state',
        then: () => m.roles.delete(`${u}|${t}`),
      };
    }
    case 26:
    case 27:
      return {
        label: 'new key',
        method: 'keys.create',
        params: { user, ...(rng.chance(0.4) ? { description: 'for the rebuild test' } : {}), ...(rng.chance(0.3) ? { expiresAt: '2030-01-01T00:00:00Z' } : {}) },
        expect: 'ok',
        then: (output) => m.keys.set((output as { accessKey: string }).accessKey, user),
      };
    case 28: {
      const key = rng.chance(0.8) ? rng.pick([...m.keys.keys()]) : undefined;
      return {
        label: 'delete key',
        method: 'keys.delete',
        params: { accessKey: key ?? 'AKNOSUCHKEY0000' },
        expect: key ? 'ok' : 'not_found',
        then: () => key && m.keys.delete(key),
      };
    }
    default: {
      if (passwordsLeft.n > 0 && rng.chance(0.5)) {
        passwordsLeft.n -= 1;
        return { label: 'set password', method: 'users.setPassword', params: { name: user, password: 'correct horse battery' }, expect: 'ok' };
      }
      return rng.chance(0.5)
        ? { label: 'invalid input', method: 'customers.create', params: { name: 'not a valid name!' }, expect: 'invalid_input' }
        : {
            label: 'system admin inside a customer',
            method: 'users.create',
            params: { name: m.next('bad-admin-'), customer, systemAdmin: true },
            expect: 'invalid_input',
          };
    }
  }
}

for (const flavour of flavours) {
  describe(`projections and rebuild (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    let node: TestNode;
    const clock = new ManualClock('2026-01-01T00:00:00.000Z');
    before(async () => {
      t = await flavour.open();
      node = await startNode(t.db, { clock });
    });
    after(async () => {
      await node?.close();
      await t?.close();
    });

    const snapshot = () => snapshotTables(t.db, tables);
    const call = (method: string, params: unknown, actor: Actor = systemActor()) =>
      node.maestro.dispatcher.call(method, params, { actor });

    it(`runs ${COMMANDS} seeded commands; failures change no projection; a rebuild reproduces every table`, async () => {
      const rng = seededRandom(SEED);
      const model = new Model();
      const passwordsLeft = { n: 1 }; // scrypt is slow on purpose
      const outcomes = new Map<string, number>();
      let failures = 0;
      let rejectionsLogged = 0;
      let known: Record<string, unknown[]> | null = null;

      for (let i = 0; i < COMMANDS; i++) {
        clock.advance(1000 + rng.int(1000));
        const step = planStep(rng, model, passwordsLeft);
        const actor = rng.chance(0.3) ? node.adminActor! : systemActor();
        const where = `step ${i} (${step.label}: ${step.method} ${JSON.stringify(step.params)}, seed ${SEED})`;
        if (step.expect === 'ok') {
          const output = await call(step.method, step.params, actor).catch((error: unknown) => {
            assert.fail(`${where} failed: ${(error as Error).message}`);
          });
          step.then?.(output);
          known = null;
        } else {
          // The state before this call: unchanged since the last check if only failures came between.
          const beforeRows: Record<string, unknown[]> = known ?? (await snapshot());
          const beforeHead = await headSeq(t.db);
          await assert.rejects(call(step.method, step.params, actor), (error: unknown) => {
            assert.ok(error instanceof AppError, where);
            assert.equal(error.kind, step.expect, `${where}: ${error.message}`);
            return true;
          });
          failures += 1;
          const afterRows: Record<string, unknown[]> = await snapshot();
          assert.deepEqual(afterRows, beforeRows, `${where} changed a projection`);
          known = afterRows;
          const logged = actor.kind === 'user' && audited.has(step.expect) ? 1 : 0;
          assert.equal(await headSeq(t.db), beforeHead + logged, `${where}: only an audit record may be added`);
          if (logged) {
            const [rejection] = await readEvents(t.db, beforeHead, 1);
            assert.equal(rejection!.type, 'command.rejected');
            assert.equal(rejection!.outcome, 'failure');
            rejectionsLogged += 1;
          }
        }
        const key = `${step.label} → ${step.expect}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

        if (i === Math.floor(COMMANDS / 2)) {
          // A rebuild half-way: the projections must carry on from it as if nothing happened.
          const mid = await snapshot();
          await call('system.rebuild', {});
          assert.deepEqual(await snapshot(), mid, 'the mid-run rebuild changed a projection');
        }
      }

      // The run touched what it was meant to: deletions, revocations, moves and refusals included.
      for (const wanted of [
        'delete tenant group → ok',
        'delete tenant group → invalid_state',
        'revoke role → ok',
        'delete key → ok',
        'deactivate region → ok',
        'duplicate customer (other case) → conflict',
        'update tenant → ok',
        'grant role → ok',
      ]) {
        assert.ok((outcomes.get(wanted) ?? 0) > 0, `the seeded run never did ${wanted}`);
      }
      assert.ok(failures >= 30, `only ${failures} failing calls`);
      assert.ok(rejectionsLogged > 0, 'no refused call left an audit record');

      const live = await snapshot();
      // Every organisation table has rows (other projections, e.g. compute, may rightly be empty).
      for (const table of organisationProjections.flatMap((p) => p.tables)) {
        assert.ok(live[table]!.length > 0, `projection ${table} is empty`);
      }

      const head = await headSeq(t.db);
      const report = (await call('system.rebuild', {})) as { events: number; projections: string[] };
      assert.equal(report.events, head);
      assert.deepEqual(report.projections, projections.map((p) => p.name));
      assert.deepEqual(await snapshot(), live);

      // Chunk boundaries must not matter: small odd chunks fold create/update/delete/re-create of
      // the same row inside one batch, and split others across batches.
      for (const chunkSize of [7]) {
        await rebuildProjections(t.db, projections, { chunkSize });
        assert.deepEqual(await snapshot(), live, `rebuild with chunks of ${chunkSize}`);
      }
    });

    it('a rebuild repairs projections that were damaged by hand', async () => {
      const live = await snapshot();
      await t.db.exec(`DELETE FROM tenants; UPDATE customers SET display_name = 'wrong'; INSERT INTO tenant_regions
        VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002', now())`);
      assert.notDeepEqual(await snapshot(), live);
      await call('system.rebuild', {});
      assert.deepEqual(await snapshot(), live);
    });

    it('commands keep working on rebuilt projections, and a new rebuild still agrees', async () => {
      await call('customers.create', { name: 'after-rebuild' });
      await call('tenants.create', { customer: 'after-rebuild', name: 'after-rebuild-t' });
      await assert.rejects(call('customers.create', { name: 'AFTER-REBUILD' }), (error: AppError) => error.kind === 'conflict');
      const live = await snapshot();
      await rebuildProjections(t.db, projections, { chunkSize: 3 });
      assert.deepEqual(await snapshot(), live);
    });
  });
}
