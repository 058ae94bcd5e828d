import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { CommandDefinition } from '../../src/protocol/command.js';
import { allCommands } from '../../src/protocol/commands/index.js';
import { userName } from '../../src/protocol/common.js';
import { AppError } from '../../src/protocol/errors.js';
import type { Actor } from '../../src/server/actor.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { buildFixture, buildHome, fresh, type Fixture, type Home } from './fixture.js';
import { samples } from './samples.js';

type NameKind = 'tenant' | 'user' | 'customer';

/** A field that names an existing tenant, user or customer. */
interface NamingField {
  field: string;
  kind: NameKind;
}

const innerOf = (schema: z.ZodType): z.ZodType | undefined =>
  (schema as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;

/** The schema under `.optional()`, `.nullable()`, `.default()` and `.describe()`. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let inner = innerOf(current); inner; inner = innerOf(current)) current = inner;
  return current;
}

/** Organisation identifiers say what they name in their messages (`identifier('tenant name')`). */
const identifies = (schema: z.ZodType, what: string) =>
  schema.safeParse('').error?.issues.some((issue) => issue.message.startsWith(`${what} `)) ?? false;

const kindByFieldName: Record<string, NameKind> = { tenant: 'tenant', user: 'user', owner: 'user', actor: 'user', customer: 'customer' };

/**
 * Every input field of a command that names a tenant, user or customer, read from the
 * definition: the fields its scope names, fields called like one, and fields declared with the
 * shared user-name or tenant/customer identifier schemas. The name a `create` command is given
 * is a new name, not a reference, and is left out (see the report of the audit, issue 14).
 */
function namingFields(command: CommandDefinition): NamingField[] {
  const shape = (command.input as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const found = new Map<string, NameKind>();
  const { scope } = command;
  if (scope.kind === 'tenant') found.set(scope.field, 'tenant');
  if (scope.kind === 'tenantOrCustomer') found.set(scope.tenantField, 'tenant').set(scope.customerField, 'customer');
  if (scope.kind === 'customer' && scope.via !== 'accessKey') found.set(scope.field, scope.via === 'user' ? 'user' : 'customer');
  for (const [field, schema] of Object.entries(shape)) {
    if (field === 'name' && command.audit === 'create') continue;
    const inner = unwrapped(schema);
    const kind: NameKind | undefined =
      kindByFieldName[field] ??
      (inner === userName ? 'user' : identifies(inner, 'tenant name') ? 'tenant' : identifies(inner, 'customer name') ? 'customer' : undefined);
    if (kind && !found.has(field)) found.set(field, kind);
  }
  return [...found].filter(([field]) => field in shape).map(([field, kind]) => ({ field, kind }));
}

type Answer = { kind: string; message: string; details: string } | { kind: 'done'; output: string };

/** An answer with the name the caller typed (in any case) replaced, so that only what the server adds is compared. */
function withoutName(text: string, name: string): string {
  return text.replaceAll(name, '<name>').replaceAll(name.toUpperCase(), '<name>').replaceAll(name.toLowerCase(), '<name>');
}

interface Prober {
  who: string;
  actor: Actor;
}

for (const flavour of flavours) {
  describe(`names cannot be probed by a caller without rights (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    let f: Fixture;
    let homeB: Home;
    let probers: Prober[];
    /** Names that exist but are none of the probers' business, and names that do not exist. */
    let foreign: Record<NameKind, string[]>;
    let missing: Record<NameKind, string>;

    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0 } });
      const { admin } = server;
      const idOf = async (table: 'customers' | 'users', name: string) => {
        const { rows } = await server.maestro.db.query<{ id: string }>(`SELECT id FROM ${table} WHERE name = $1`, [name]);
        return rows[0]!.id;
      };
      f = await buildFixture(admin, (name) => idOf('customers', name));
      homeB = await buildHome(admin, f.names.B, f.tenants.B1, f.region);
      const userOfB = async (who: string, customerRole: string | null, tenantRole: string | null): Promise<Prober> => {
        const name = fresh(who);
        await admin.users.create({ name, customer: f.names.B });
        if (customerRole) await admin.users.addCustomerRole({ name, role: customerRole });
        if (tenantRole) await admin.users.addRole({ name, tenant: f.tenants.B1, role: tenantRole });
        const actor: Actor = {
          kind: 'user',
          userId: await idOf('users', name),
          name,
          systemAdmin: false,
          customerId: await idOf('customers', f.names.B),
          accessKey: null,
        };
        return { who, actor };
      };
      probers = [await userOfB('nobody', null, null), await userOfB('neighbour', 'admin', 'admin')];
      const platformUser = fresh('ops');
      await admin.users.create({ name: platformUser });
      await admin.users.addRole({ name: f.homes.A.spareUser, tenant: f.tenants.A1, role: 'readonly' });
      foreign = { tenant: [f.tenants.A1], user: [f.homes.A.spareUser, platformUser], customer: [f.names.A] };
      missing = { tenant: fresh('NOPE').toUpperCase(), user: fresh('nobodyx'), customer: fresh('NOPE-C').toUpperCase() };
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    async function answer(command: CommandDefinition, input: Record<string, unknown>, prober: Prober, name: string): Promise<Answer> {
      try {
        const output = await server.maestro.dispatcher.call(command.name, input, { actor: prober.actor });
        // Reads are compared whole; a change's output holds new ids and times.
        return { kind: 'done', output: command.audit === null ? withoutName(JSON.stringify(output), name) : '' };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { kind: error.kind, message: withoutName(error.message, name), details: withoutName(JSON.stringify(error.details ?? {}), name) };
      }
    }

    it('finds the fields that name tenants, users and customers in the definitions', () => {
      const fields = (name: string) => namingFields(allCommands.find((command) => command.name === name)!);
      assert.deepEqual(fields('permissions.describeUser'), [
        { field: 'tenant', kind: 'tenant' },
        { field: 'user', kind: 'user' },
      ]);
      assert.deepEqual(fields('users.addRole'), [
        { field: 'tenant', kind: 'tenant' },
        { field: 'name', kind: 'user' },
      ]);
      assert.deepEqual(fields('tenants.update'), [{ field: 'name', kind: 'tenant' }]);
      assert.deepEqual(fields('tenants.create'), [{ field: 'customer', kind: 'customer' }]);
      assert.ok(fields('tenants.describe').some((field) => field.field === 'name' && field.kind === 'tenant'));
      assert.ok(fields('instances.describe').some((field) => field.field === 'owner' && field.kind === 'user'));
    });

    it('every command answers a foreign name exactly as a name that does not exist', async () => {
      const leaks: string[] = [];
      let probes = 0;
      for (const command of allCommands) {
        const sample = samples[command.name];
        assert.ok(sample, `${command.name} has no sample in test/access/samples.ts: add one`);
        for (const { field, kind } of namingFields(command)) {
          for (const prober of probers) {
            const input = (name: string) => ({ ...sample(f, homeB), [field]: name });
            const absent = await answer(command, input(missing[kind]), prober, missing[kind]);
            for (const name of foreign[kind]) {
              const present = await answer(command, input(name), prober, name);
              probes++;
              if (JSON.stringify(present) !== JSON.stringify(absent)) {
                leaks.push(`${command.name} ${field}=<${kind}> as ${prober.who}: ${JSON.stringify(present)} but ${JSON.stringify(absent)} when it does not exist`);
              }
            }
          }
        }
      }
      assert.deepEqual(leaks, []);
      // A probe that found no fields would prove nothing.
      assert.ok(probes > 150, `only ${probes} probes`);
    });
  });
}
