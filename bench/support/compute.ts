// Shared set-up of the compute benchmarks: a started node with the simulator at zero latency, a
// customer with tenants in a simulated region, and instances written in bulk the way the real
// code would have left them (simulator rows, log events, projections).
import { randomBytes } from 'node:crypto';
import * as events from '../../src/protocol/events/compute.js';
import { uuidv7 } from '../../src/protocol/ids.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { initiatorOf, systemActor } from '../../src/server/actor.js';
import { loadConfig, type ConfigInput } from '../../src/server/config.js';
import { EventWriter, type EventOrigin } from '../../src/server/event-writer.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import { regionRef } from '../../src/server/queries/compute.js';
import { startMaestro, type Maestro } from '../../src/server/runtime.js';
import type { NewEvent } from '../../src/store/event-log.js';
import { createBenchPostgresDatabase, tempDir, type Flavour } from './databases.js';

export interface BenchServer {
  maestro: Maestro;
  /** Signed in as the bootstrap administrator. */
  client: MaestroClient;
  credentials: { accessKey: string; secretKey: string };
  close(): Promise<void>;
}

/** A node on a free port, on a fresh database of either kind, the simulator without latency. */
export async function startBenchServer(flavour: Flavour, config: ConfigInput = {}): Promise<BenchServer> {
  const temp = tempDir('compute');
  const postgres = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  try {
    const maestro = await startMaestro({
      config: loadConfig({}, {
        port: 0,
        dataDir: temp.dir,
        logLevel: 'silent',
        simLatencyMs: 0,
        ...(postgres ? { databaseUrl: postgres.url } : {}),
        ...config,
      }),
    });
    const credentials = { accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey };
    return {
      maestro,
      client: createClient({ url: maestro.url, ...credentials, timeoutMs: 600_000 }),
      credentials,
      async close() {
        await maestro.close();
        await postgres?.drop();
        temp.remove();
      },
    };
  } catch (error) {
    await postgres?.drop();
    temp.remove();
    throw error;
  }
}

/** A customer with tenants activated in one simulated region (created through the API). */
export async function simulatedTenants(client: MaestroClient, names: { customer: string; region: string; tenants: readonly string[] }) {
  await client.customers.create({ name: names.customer });
  await client.regions.create({ name: names.region, cloud: 'SIMULATED', kind: 'private', nativeName: names.region.toLowerCase() });
  for (const tenant of names.tenants) {
    await client.tenants.create({ customer: names.customer, name: tenant });
    await client.tenants.activateRegion({ tenant, region: names.region });
  }
}

export interface BulkInstance {
  id: string;
  nativeId: string;
  tenant: string;
}

export interface BulkSpec {
  region: string;
  tenants: readonly string[];
  count: number;
  /** The tags of the i-th instance. */
  tags(i: number): Record<string, string>;
  /** Instances per transaction. */
  chunk?: number;
}

const bulkOrigin: EventOrigin = {
  initiator: initiatorOf(systemActor('bench')),
  requestId: null,
  observer: { typeURI: 'service/maestro', id: 'bench' },
};

/**
 * Instances as `instances.run` and the state sync leave them: a running VM in `sim_vms`, and in
 * the log `instance.launched` (pending) then `instance.stateChanged` (running), appended with
 * their projections by EventWriter.append, as the handlers do, in chunks instead of one call each.
 */
export async function bulkInstances(maestro: Maestro, spec: BulkSpec): Promise<BulkInstance[]> {
  const db = maestro.db;
  const region = await regionRef(db, spec.region.toUpperCase());
  const { rows: tenantRows } = await db.query<{ id: string; customerId: string; name: string }>(
    'SELECT id, customer_id AS "customerId", name FROM tenants WHERE name = ANY($1::text[])',
    [spec.tenants.map((t) => t.toUpperCase())],
  );
  const tenantOf = new Map(tenantRows.map((row) => [row.name, row]));
  const { rows: images } = await db.query<{ id: string; nativeId: string }>(
    `SELECT id, native_id AS "nativeId" FROM images WHERE region_id = $1 AND name = 'ubuntu-24.04'`,
    [region.id],
  );
  const image = images[0]!;
  const writer = new EventWriter(db, projections, maestro.bus, maestro.services.clock, eventDefinitions);
  const chunk = spec.chunk ?? 5000;
  const created: BulkInstance[] = [];
  for (let at = 0; at < spec.count; at += chunk) {
    const vms = Array.from({ length: Math.min(chunk, spec.count - at) }, (_, k) => {
      const i = at + k;
      const tenant = tenantOf.get(spec.tenants[i % spec.tenants.length]!.toUpperCase())!;
      return { i, id: uuidv7(), nativeId: `i-${randomBytes(8).toString('hex')}`, name: `vm-${i}`, tenant, tags: spec.tags(i) };
    });
    const launchedAt = maestro.services.clock.now().toISOString();
    const built: NewEvent[] = [];
    for (const vm of vms) {
      const scope = { target: { id: vm.id, name: vm.name }, customerId: vm.tenant.customerId, tenantId: vm.tenant.id, region: region.name };
      built.push(
        writer.build(
          events.instanceLaunched,
          {
            id: vm.id,
            tenantId: vm.tenant.id,
            regionId: region.id,
            nativeId: vm.nativeId,
            name: vm.name,
            state: 'pending',
            shape: 'SMALL',
            cpu: 1,
            ramMb: 2048,
            diskGb: 10,
            imageId: image.id,
            keyName: null,
            ownerId: null,
            tags: vm.tags,
            launchedAt,
            terminationProtection: false,
            stopAfter: null,
            terminateAfter: null,
          },
          scope,
          bulkOrigin,
        ),
      );
    }
    for (const vm of vms) {
      const scope = { target: { id: vm.id, name: vm.name }, customerId: vm.tenant.customerId, tenantId: vm.tenant.id, region: region.name };
      built.push(writer.build(events.instanceStateChanged, { id: vm.id, state: 'running', previous: 'pending', reason: null }, scope, bulkOrigin));
    }
    const simRows = vms.map((vm) => ({ nativeId: vm.nativeId, name: vm.name, tags: vm.tags }));
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO sim_vms (region, native_id, name, state, cpu, ram_mb, disk_gb, image, tags, launched_at)
         SELECT $1, x."nativeId", x.name, 'running', 1, 2048, 10, $2, x.tags, $3
           FROM jsonb_to_recordset($4::jsonb) AS x("nativeId" text, name text, tags jsonb)`,
        [region.nativeName, image.nativeId, launchedAt, JSON.stringify(simRows)],
      );
      await writer.append(tx, built);
    });
    created.push(...vms.map((vm) => ({ id: vm.id, nativeId: vm.nativeId, tenant: vm.tenant.name })));
  }
  return created;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round2 = (value: number) => Number(value.toFixed(2));
