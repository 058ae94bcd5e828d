// ad-hoc: fills a persistent database for EXPLAIN experiments (not part of the benchmarks)
import { loadConfig } from '../src/server/config.js';
import { startMaestro } from '../src/server/runtime.js';
import { createClient } from '../src/sdk/client.js';
import { bulkInstances, simulatedTenants } from './support/compute.js';
import { tagsOf } from './describe-tags.js';
const url = process.argv[2]!;
const maestro = await startMaestro({ config: loadConfig({}, { port: 0, dataDir: '/tmp/explore', logLevel: 'silent', simLatencyMs: 0, databaseUrl: url }) });
const client = createClient({ url: maestro.url, accessKey: maestro.bootstrap!.accessKey, secretKey: maestro.bootstrap!.secretKey });
await simulatedTenants(client, { customer: 'TAGS', region: 'SIM-TAGS', tenants: ['BIG'] });
await client.regions.create({ name: 'AWS-TAGS', cloud: 'AWS', kind: 'public', nativeName: 'eu-west-1' });
await client.tenants.activateRegion({ tenant: 'BIG', region: 'AWS-TAGS' });
await bulkInstances(maestro, { region: 'SIM-TAGS', tenants: ['BIG'], count: 100_000, tags: tagsOf });
await maestro.close();
