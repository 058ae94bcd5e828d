// ad-hoc: statement timings of one discovery reconcile (not part of the benchmarks)
import type { Queryable } from '../src/store/database.js';
import { bulkInstances, simulatedTenants, startBenchServer } from './support/compute.js';
const flavour = (process.argv[2] ?? 'postgres') as 'postgres' | 'pglite';
const server = await startBenchServer(flavour);
const { maestro, client } = server;
const TENANTS = Array.from({ length: 10 }, (_, i) => `T-${i}`);
await simulatedTenants(client, { customer: 'DISCO', region: 'SIM-DISCO', tenants: TENANTS });
const known = await bulkInstances(maestro, { region: 'SIM-DISCO', tenants: TENANTS, count: 100_000, tags: (i) => ({ app: `a${i % 100}` }) });
const region = { name: 'SIM-DISCO', nativeName: 'sim-disco' };
await maestro.services.simulator.destroyOutsideMaestro(maestro.db, region, known.filter((_, i) => i % 10 === 0).map((k) => k.nativeId));
await maestro.services.simulator.createOutsideMaestro(maestro.db, region, Array.from({ length: 10000 }, (_, i) => ({ name: `r${i}`, cpu: 1, ramMb: 1024 })), new Date());
if (maestro.db.kind === 'postgres') await maestro.db.exec('ANALYZE');
const timings = new Map<string, { n: number; ms: number }>();
const db = maestro.db as any;
const original = db.transaction.bind(db);
db.transaction = (fn: (tx: Queryable) => Promise<unknown>) =>
  original((tx: Queryable) =>
    fn({
      async query(sql: string, params?: readonly unknown[]) {
        const t = performance.now();
        try { return await tx.query(sql, params); } finally {
          const key = sql.replace(/\s+/g, ' ').slice(0, 90);
          const e = timings.get(key) ?? { n: 0, ms: 0 };
          e.n++; e.ms += performance.now() - t; timings.set(key, e);
        }
      },
    } as Queryable),
  );
const t = performance.now();
const report = await maestro.services.discover('SIM-DISCO');
const total = performance.now() - t;
console.log(report, `total ${total.toFixed(0)} ms`);
let sql = 0;
for (const [k, v] of [...timings].sort((a, b) => b[1].ms - a[1].ms)) { sql += v.ms; console.log(`${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(4)}× ${k}`); }
console.log(`sql ${sql.toFixed(0)} ms, rest ${(total - sql).toFixed(0)} ms`);
await server.close();
