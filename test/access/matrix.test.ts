import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultGroups } from '../../src/domain/access/permission-groups.js';
import { builtInRoles } from '../../src/domain/access/roles.js';
import type { CommandDefinition, CommandScope } from '../../src/protocol/command.js';
import { allCommands } from '../../src/protocol/commands/index.js';
import { AppError } from '../../src/protocol/errors.js';
import { isPermissionAction } from '../../src/protocol/permissions.js';
import { systemActor } from '../../src/server/actor.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { buildFixture, type Fixture, type Home, type MatrixActor } from './fixture.js';
import { effectiveScopes, samples } from './samples.js';

type Outcome = 'allowed' | 'forbidden' | 'license' | 'unauthenticated';

/** What a built-in role allows, read from the role and group tables (not from the resolver). */
const roleAllows = (role: string | null | undefined, command: CommandDefinition) =>
  !!role && builtInRoles[role]!.groups.some((group) => defaultGroups[group].includes(command.permission));

/**
 * The expected outcome of a call, from the command's scope and the actor's roles alone. The
 * fixture's actors hold roles only: no mappings, no blocked roles (the resolver's own tests
 * cover those), so a role decides wherever the actor has one.
 */
function expected(command: CommandDefinition, who: MatrixActor | 'system-admin', input: Record<string, unknown>, f: Fixture): Outcome {
  const scope: CommandScope = effectiveScopes[command.name] ?? command.scope;
  if (scope.kind === 'public' || who === 'system-admin') return 'allowed';
  if (scope.kind === 'platform') return 'forbidden';
  const suspended = who.customer === f.names.S;
  const allowedUnlessSuspended = (allowed: boolean): Outcome => (!allowed ? 'forbidden' : suspended ? 'license' : 'allowed');
  if (scope.kind === 'self') return allowedUnlessSuspended(true);

  const customerOfTenant = (tenant: string) => Object.entries(f.tenants).find(([, name]) => name === tenant)?.[0]?.[0];
  const tenantField = scope.kind === 'tenant' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.tenantField : null;
  if (tenantField && input[tenantField] !== undefined) {
    const tenant = String(input[tenantField]);
    const sameCustomer = f.names[customerOfTenant(tenant) as 'A' | 'B' | 'S'] === who.customer;
    const role = who.tenantRoles[tenant] ?? (sameCustomer ? who.customerRole : null);
    return allowedUnlessSuspended(roleAllows(role, command));
  }
  const field = scope.kind === 'customer' ? scope.field : scope.kind === 'tenantOrCustomer' ? scope.customerField : '';
  const value = input[field];
  let customer = who.customer;
  if (value !== undefined && scope.kind === 'customer' && scope.via !== 'customer') {
    // The fixture's spare users and keys belong to the home customer.
    customer = Object.values(f.homes).find((home) => home.spareUser === value || home.spareKey === value)!.customer;
  } else if (value !== undefined) {
    customer = String(value);
  }
  return allowedUnlessSuspended(customer === who.customer && roleAllows(who.customerRole, command));
}

function outcomeOf(error: unknown): Outcome {
  if (!(error instanceof AppError)) throw error;
  if (error.kind === 'forbidden' || error.kind === 'license' || error.kind === 'unauthenticated') return error.kind;
  return 'allowed';
}

describe('authorisation matrix: every command × every kind of actor', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    const customerIdOf = async (name: string) => {
      const { rows } = await server.maestro.db.query<{ id: string }>('SELECT id FROM customers WHERE name = $1', [name]);
      return rows[0]!.id;
    };
    f = await buildFixture(server.admin, customerIdOf);
  });
  after(() => server?.close());

  it('every command names a catalogued permission action and has a matrix sample', () => {
    for (const command of allCommands) {
      assert.ok(isPermissionAction(command.permission), `${command.name} names an unknown permission ${command.permission}`);
      assert.ok(samples[command.name], `${command.name} has no sample in test/access/samples.ts: add one`);
      if (command.scope.kind === 'tenant') {
        const shape = (command.input as unknown as { shape?: Record<string, unknown> }).shape;
        if (shape) assert.ok(command.scope.field in shape, `${command.name} is tenant-scoped by ${command.scope.field}, which its input lacks`);
      }
    }
  });

  it('answers each call as the roles say, with the reason naming the missing permission', async () => {
    const mismatches: string[] = [];
    const seen: Record<Outcome, number> = { allowed: 0, forbidden: 0, license: 0, unauthenticated: 0 };
    let calls = 0;
    const check = async (command: CommandDefinition, who: MatrixActor | 'system-admin', home: Home) => {
      const input = samples[command.name]!(f, home);
      const want = expected(command, who, input, f);
      const actor = who === 'system-admin' ? { ...systemActor('matrix'), kind: 'user' as const, userId: null } : who.actor;
      let got: Outcome = 'allowed';
      let message = '';
      try {
        await server.maestro.dispatcher.call(command.name, input, { actor: who === 'system-admin' ? systemActor('matrix') : actor });
      } catch (error) {
        got = outcomeOf(error);
        message = (error as Error).message;
      }
      calls++;
      seen[got]++;
      if (got !== want) mismatches.push(`${command.name} as ${who === 'system-admin' ? who : who.name}: expected ${want}, got ${got} (${message})`);
      if (got === 'forbidden' && command.scope.kind !== 'self' && !message.includes(command.permission) && !/no access to tenant/.test(message)) {
        mismatches.push(`${command.name} as ${(who as MatrixActor).name}: the refusal does not name ${command.permission}: ${message}`);
      }
    };
    for (const command of allCommands) {
      await check(command, 'system-admin', f.homes.A);
      for (const who of f.actors) await check(command, who, who.name === 'suspended' ? f.homes.S : f.homes.A);
    }
    assert.deepEqual(mismatches, []);
    assert.equal(calls, allCommands.length * (f.actors.length + 1));
    // A matrix where everything is allowed (or refused) would prove nothing.
    assert.ok(seen.allowed > allCommands.length * 2 && seen.forbidden > allCommands.length * 2 && seen.license > 20, JSON.stringify(seen));
  });
});
