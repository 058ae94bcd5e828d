// 13. The Maestro-compatible endpoint: a batch of 20 DESCRIBE_INSTANCE calls through the
// encrypted envelope (signed, AES-GCM both ways, translated to instances.describe), against the
// same 20 instances.describe calls as one signed JSON-RPC batch, on the same node.
import { createClient } from '../src/sdk/client.js';
import { loadConfig } from '../src/server/config.js';
import { startMaestro, type Maestro } from '../src/server/runtime.js';
import { createBenchPostgresDatabase, flavourName, tempDir, type Flavour } from './support/databases.js';
import { latencyDetails, measureAlternately, withLoadGenerator, type LoadGenerator, type LoadTarget } from './support/load.js';
import type { Figure } from './support/report.js';

const CALLS = 20;
const INSTANCES = 50;
const CONCURRENCY = 8;
const WARM_UP_MS = 1500;
const ROUNDS = 2;
const SEGMENT_MS = 3000;

async function measureFlavour(flavour: Flavour, load: LoadGenerator): Promise<Figure> {
  const temp = tempDir('compat');
  const postgres = flavour === 'postgres' ? await createBenchPostgresDatabase() : null;
  const config = loadConfig(
    {},
    { port: 0, dataDir: temp.dir, logLevel: 'silent', simLatencyMs: 0, defaultSimulatedRegion: false, ...(postgres ? { databaseUrl: postgres.url } : {}) },
  );
  let maestro: Maestro | undefined;
  try {
    maestro = await startMaestro({ config });
    const credentials = { accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey };
    const client = createClient({ url: maestro.url, ...credentials });
    await client.customers.create({ name: 'bench' });
    await client.tenants.create({ customer: 'bench', name: 'bench-dev' });
    await client.regions.create({ name: 'sim-1', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-1' });
    await client.tenants.activateRegion({ tenant: 'bench-dev', region: 'sim-1' });
    await client.instances.run({ tenant: 'bench-dev', region: 'sim-1', image: 'ubuntu-24.04', shape: 'MICRO', count: INSTANCES, tags: { env: 'bench' } });

    const rpc: LoadTarget = {
      kind: 'rpc-batch',
      url: `${maestro.url}/api/v1/rpc`,
      credentials,
      calls: Array.from({ length: CALLS }, () => ({ method: 'instances.describe', params: { tenant: 'BENCH-DEV', region: 'SIM-1' } })),
    };
    const m3: LoadTarget = {
      kind: 'm3',
      url: `${maestro.url}/maestro/api/v3`,
      credentials,
      calls: Array.from({ length: CALLS }, () => ({ type: 'DESCRIBE_INSTANCE', params: { tenantName: 'BENCH-DEV', region: 'SIM-1' } })),
    };
    const { m3: measured, rpc: baseline } = await measureAlternately(
      load,
      { rpc: { target: rpc }, m3: { target: m3 } },
      { concurrency: CONCURRENCY, warmUpMs: WARM_UP_MS, rounds: ROUNDS, segmentMs: SEGMENT_MS },
    );
    return {
      benchmark: 'compat',
      name: `${CALLS} × DESCRIBE_INSTANCE in one encrypted batch, ${flavourName[flavour]}`,
      value: measured.perSecond,
      unit: 'batches/s',
      baseline: { name: `${CALLS} × instances.describe in one JSON-RPC batch`, value: baseline.perSecond },
      // "Costs at most 1.5× the JSON-RPC batch": at least 1/1.5 of its throughput.
      target: { kind: 'ratio-at-least', value: 1 / 1.5 },
      details: { instances: INSTANCES, concurrency: CONCURRENCY, ...latencyDetails(measured, baseline) },
    };
  } finally {
    await maestro?.close();
    await postgres?.drop();
    temp.remove();
  }
}

export const compat = (flavours: readonly Flavour[]): Promise<Figure[]> => withLoadGenerator(flavours, measureFlavour);
