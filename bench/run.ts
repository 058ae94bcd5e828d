// `npm run bench [name…]`: runs the benchmarks (all, or those named), prints a table, and writes
// the figures to bench/results/latest.json. Every figure has a baseline measured in the same run,
// because on a shared machine only the ratio is comparable from one run to the next.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentReconcile } from './agent-reconcile.js';
import { agentRpc } from './agent-rpc.js';
import { append } from './append.js';
import { authorisation } from './authorisation.js';
import { billing } from './billing.js';
import { cliStartup } from './cli-startup.js';
import { coldStart } from './cold-start.js';
import { compat } from './compat.js';
import { consoleLoad } from './console-load.js';
import { describeTags } from './describe-tags.js';
import { discovery } from './discovery.js';
import { focusImport } from './focus-import.js';
import { focusImportConcurrency } from './focus-import-concurrency.js';
import { notifications } from './notifications.js';
import { openstack } from './openstack.js';
import { jobs } from './jobs.js';
import { liveStream } from './live-stream.js';
import { managementResources } from './management-resources.js';
import { rebuild } from './rebuild.js';
import { rpcRead } from './rpc-read.js';
import { runInstances } from './run-instances.js';
import { flavourName, postgresProblem, postgresUrl, type Flavour } from './support/databases.js';
import { evaluate, machine, table, writeResults, type Figure } from './support/report.js';

interface Benchmark {
  describe: string;
  /** Whether it measures each database kind (cold-start is the embedded default only). */
  perDatabase: boolean;
  run(flavours: readonly Flavour[]): Promise<Figure[]>;
}

const benchmarks: Record<string, Benchmark> = {
  'rpc-read': { describe: 'signed JSON-RPC read vs bare fastify', perDatabase: true, run: rpcRead },
  append: { describe: 'event append with projections vs bare INSERT', perDatabase: true, run: append },
  rebuild: { describe: 'projection rebuild vs bare log read', perDatabase: true, run: rebuild },
  'cold-start': { describe: 'npm start (embedded PGlite) to ready API vs bare node HTTP server', perDatabase: false, run: coldStart },
  'run-instances': { describe: 'instances.run of 1,000 instances through the signed API vs bare INSERT', perDatabase: true, run: runInstances },
  discovery: { describe: 'discovery of 100k instances (10% new, 10% vanished) vs reading both lists', perDatabase: true, run: discovery },
  'describe-tags': { describe: 'instances.describe with a tag filter over 100k instances vs bare route, same SQL', perDatabase: true, run: describeTags },
  billing: { describe: 'hourly billing of 100k open timelines; monthly report of 1,000 tenants × 30 days', perDatabase: true, run: billing },
  authorisation: { describe: 'a tenant user\'s signed read with authorisation (cached, cold) vs skipped', perDatabase: true, run: authorisation },
  'focus-import': { describe: 'public billing import of a 1,000,000-row FOCUS gzip export vs gunzip + split into lines', perDatabase: true, run: focusImport },
  'focus-import-concurrency': {
    describe: 'signed tenants.describe reads while a 1,000,000-row FOCUS import runs as a job vs the same reads with no import (A B B A)',
    perDatabase: true,
    run: focusImportConcurrency,
  },
  notifications: { describe: 'notifications rendered and stored from 20,000 events by the outbox consumer vs bare INSERT of the same rows', perDatabase: true, run: notifications },
  jobs: { describe: 'no-op jobs claimed and completed by two nodes vs a bare UPDATE … RETURNING loop', perDatabase: true, run: jobs },
  'agent-reconcile': { describe: "reconciling a 100k-server region from an agent's listing pages vs storing and reading them", perDatabase: true, run: agentReconcile },
  openstack: { describe: '20 servers on the real OpenStack through a private agent until running; a change made in OpenStack until Maestro shows it', perDatabase: false, run: openstack },
  'agent-rpc': { describe: 'private agent round trips over RabbitMQ (1 and 128 outstanding calls) vs a bare amqplib request/reply loop', perDatabase: false, run: agentRpc },
  compat: { describe: '20 DESCRIBE_INSTANCE calls in one encrypted Maestro-protocol batch vs the same calls as one JSON-RPC batch', perDatabase: true, run: compat },
  'management-resources': {
    describe: "the Management page's first page of resources.describe and resources.facets for a 10,000-instance tenant vs a bare SELECT … LIMIT 50 (A B B A)",
    perDatabase: true,
    run: managementResources,
  },
  'live-stream': {
    describe: 'commit of an event to its arrival at GET /api/v1/events/stream (PostgreSQL: committed on node 1, streamed from node 2) vs a bare SSE write (PGlite) or NOTIFY → LISTEN (PostgreSQL), A B B A',
    perDatabase: true,
    run: liveStream,
  },
  'console-load': {
    describe: 'the web console in chromium with a cold cache until the log-in form is usable, and log-in until the first page, vs a bare page (A B B A); initial JS gzipped',
    perDatabase: false,
    run: consoleLoad,
  },
  'cli-startup': { describe: 'maestro --help, --version and a signed instances describe, spawned until exit, vs node -e 0 (A B B A)', perDatabase: false, run: cliStartup },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const names = requested.length > 0 ? requested : Object.keys(benchmarks);

const started = performance.now();
const machineBefore = machine();
const problem = await postgresProblem();
const flavours: Flavour[] = problem ? ['pglite'] : ['pglite', 'postgres'];
const notes: string[] = [];
if (problem) notes.push(`PostgreSQL not reachable at ${postgresUrl} (${problem}): its figures are missing`);
for (const note of notes) console.error(`note: ${note}`);

const figures: Figure[] = [];
for (const name of names) {
  const benchmark = benchmarks[name]!;
  const t = performance.now();
  const on = benchmark.perDatabase ? ` on ${flavours.map((f) => flavourName[f]).join(', ')}` : '';
  console.error(`${name}: ${benchmark.describe}${on} …`);
  figures.push(...(await benchmark.run(flavours)));
  console.error(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const reported = figures.map(evaluate);
console.log(`\n${table(reported)}\n`);
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
writeResults(file, {
  generatedAt: new Date().toISOString(),
  benchmarks: names,
  seconds: Math.round((performance.now() - started) / 1000),
  machine: { ...machineBefore, loadAverageAfter: machine().loadAverage },
  notes,
  figures: reported,
});
console.log(`figures written to ${path.relative(process.cwd(), file)}`);
const missed = reported.filter((f) => f.met === false);
if (missed.length > 0) console.log(`targets missed: ${missed.map((f) => f.name).join('; ')}`);
