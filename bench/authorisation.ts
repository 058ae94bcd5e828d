// 8. The cost of authorisation: a tenant user's signed `instances.describe` with authorisation
// as it runs (resolution cached); with every call resolving afresh from the cached permissions
// (resolution cold); with the permissions reloaded from the database before every call (the
// worst case, as right after a change); and with authorisation replaced by the answer it gave
// once (the baseline: no authorisation).
import type { AccessStore } from '../src/server/access/access-store.js';
import type { Access, Authorizer } from '../src/server/access/authorizer.js';
import type { Actor } from '../src/server/actor.js';
import { createClient } from '../src/sdk/client.js';
import { loadConfig } from '../src/server/config.js';
import { startMaestro, type Maestro } from '../src/server/runtime.js';
import { commandsByName } from '../src/protocol/commands/index.js';
import { createBenchPostgresDatabase, flavourName, tempDir, type Flavour } from './support/databases.js';
import { latencyDetails, measureAlternately, withLoadGenerator, type LoadGenerator, type LoadRequest } from './support/load.js';
import type { Figure } from './support/report.js';

const INSTANCES = 50;
const LIMIT = 20;
const CONCURRENCY = 8;
const WARM_UP_MS = 1000;
const ROUNDS = 4;
const SEGMENT_MS = 2000;

type Mode = 'none' | 'cached' | 'cold' | 'reload';

/** Swaps how the node authorises, in place: the benchmark's only hook into the server. */
function authorisationSwitch(authorizer: Authorizer, granted: Access) {
  const original = authorizer.authorize.bind(authorizer);
  const store = (authorizer as unknown as { store: AccessStore }).store;
  const cachedSnapshot = store.customer.bind(store);
  return (mode: Mode) => {
    // Cold resolution: the cached snapshot, with none of its resolutions remembered.
    store.customer = mode === 'cold' ? async (...args) => ({ ...(await cachedSnapshot(...args)), resolved: new Map() }) : cachedSnapshot;
    authorizer.authorize =
      mode === 'none'
        ? async () => granted
        : mode === 'reload'
          ? async (...args) => {
              store.invalidate();
              return original(...args);
            }
          : original;
  };
}

async function measureFlavour(flavour: Flavour, load: LoadGenerator): Promise<Figure[]> {
  const temp = tempDir('authz');
  const postgres = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  const config = loadConfig({}, { port: 0, dataDir: temp.dir, logLevel: 'silent', simLatencyMs: 0, ...(postgres ? { databaseUrl: postgres.url } : {}) });
  let maestro: Maestro | undefined;
  try {
    maestro = await startMaestro({ config });
    const admin = createClient({ url: maestro.url, accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey });
    await admin.customers.create({ name: 'bench' });
    await admin.tenants.create({ customer: 'bench', name: 'bench-t' });
    await admin.regions.create({ name: 'bench-sim', cloud: 'SIMULATED', kind: 'private', nativeName: 'bench-sim' });
    await admin.tenants.activateRegion({ tenant: 'bench-t', region: 'bench-sim' });
    await admin.instances.run({ tenant: 'bench-t', region: 'bench-sim', image: 'ubuntu-24.04', shape: 'MICRO', count: INSTANCES });
    // A realistic customer: a custom group and role, mappings at every level but the user's.
    await admin.permissions.saveGroup({ customer: 'bench', name: 'Ops', actions: ['DESCRIBE_INSTANCE', 'STOP_INSTANCE'] });
    await admin.roles.save({ customer: 'bench', name: 'operator', groups: ['Ops', 'Basic'] });
    await admin.mappings.set({ level: 'customer', customer: 'bench', groups: ['Basic'] });
    await admin.mappings.set({ level: 'tenant', tenant: 'bench-t', groups: ['Read_Only'] });
    await admin.users.create({ name: 'operator', customer: 'bench' });
    await admin.users.addRole({ name: 'operator', tenant: 'bench-t', role: 'operator' });
    const key = await admin.keys.create({ user: 'operator' });

    const command = commandsByName.get('instances.describe')!;
    const params = { tenant: 'bench-t', limit: LIMIT };
    const { rows } = await maestro.db.query<{ id: string; customerId: string }>(
      `SELECT id, customer_id AS "customerId" FROM users WHERE name = 'operator'`,
    );
    const actor: Actor = { kind: 'user', userId: rows[0]!.id, name: 'operator', systemAdmin: false, customerId: rows[0]!.customerId, accessKey: key.accessKey };
    const granted = await maestro.services.authorizer.authorize(command, command.input.parse(params) as Record<string, unknown>, actor);
    const switchTo = authorisationSwitch(maestro.services.authorizer, granted);

    const target: LoadRequest['target'] = {
      kind: 'rpc',
      url: `${maestro.url}/api/v1/rpc`,
      credentials: { accessKey: key.accessKey, secretKey: key.secretKey },
      method: 'instances.describe',
      params,
    };
    const side = (mode: Mode) => ({ target, before: () => switchTo(mode) });
    const results = await measureAlternately(
      load,
      { none: side('none'), cached: side('cached'), cold: side('cold'), reload: side('reload') },
      { concurrency: CONCURRENCY, warmUpMs: WARM_UP_MS, rounds: ROUNDS, segmentMs: SEGMENT_MS },
    );
    switchTo('cached');
    const baseline = results.none;
    // In-process and steady, unlike throughput over HTTP on a shared machine: the time authorize()
    // takes per call against the whole dispatched call it is part of.
    const perCall = async (work: () => Promise<unknown>, n: number) => {
      for (let i = 0; i < n / 10; i++) await work();
      const started = performance.now();
      for (let i = 0; i < n; i++) await work();
      return ((performance.now() - started) * 1000) / n;
    };
    const parsed = command.input.parse(params) as Record<string, unknown>;
    const authorizeMicros = await perCall(() => maestro!.services.authorizer.authorize(command, parsed, actor), 20_000);
    const callMicros = await perCall(() => maestro!.dispatcher.call('instances.describe', params, { actor }), 2000);

    const described = { cached: 'resolution cached', cold: 'resolution cold every call', reload: 'permissions reloaded every call' };
    const share: Figure = {
      benchmark: 'authorisation',
      name: `authorize() per call, share of the dispatched call, ${flavourName[flavour]}`,
      value: (100 * authorizeMicros) / callMicros,
      unit: '%',
      baseline: { name: 'the dispatched instances.describe, µs', value: callMicros },
      target: { kind: 'at-most', value: 5 },
      details: { authorizeMicros: Number(authorizeMicros.toFixed(1)), callMicros: Number(callMicros.toFixed(1)) },
    };
    return [share, ...(['cached', 'cold', 'reload'] as const).map((mode): Figure => {
      const measured = results[mode];
      return {
        benchmark: 'authorisation',
        name: `authorised instances.describe, ${described[mode]}, ${flavourName[flavour]}`,
        value: measured.perSecond,
        unit: 'req/s',
        baseline: { name: 'same call, authorisation skipped', value: baseline.perSecond },
        // Reloading is what the first call after a change pays once; shown, not a target.
        ...(mode === 'reload' ? {} : { target: { kind: 'ratio-at-least' as const, value: 0.95 } }),
        details: { concurrency: CONCURRENCY, ...latencyDetails(measured, baseline) },
      };
    })];
  } finally {
    await maestro?.close();
    await postgres?.drop();
    temp.remove();
  }
}

export const authorisation = (flavours: readonly Flavour[]): Promise<Figure[]> => withLoadGenerator(flavours, measureFlavour);
