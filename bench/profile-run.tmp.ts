// ad-hoc: statement timings of instances.run calls (not part of the benchmarks)
import type { Queryable } from '../src/store/database.js';
import { simulatedTenants, startBenchServer } from './support/compute.js';
const flavour = (process.argv[2] ?? 'postgres') as 'postgres' | 'pglite';
const count = Number(process.argv[3] ?? 100);
const server = await startBenchServer(flavour);
const { maestro, client } = server;
await simulatedTenants(client, { customer: 'B', region: 'SIM-RUN', tenants: ['RUNNER'] });
await client.simulator.configure({ region: 'SIM-RUN', cpu: 1_000_000, ramGb: 100_000_000, diskGb: 1_000_000_000 });
const run = () => client.instances.run({ tenant: 'RUNNER', region: 'SIM-RUN', image: 'ubuntu-24.04', shape: 'SMALL', count, tags: { env: 'bench' } });
for (let i = 0; i < 3; i++) await run();
const timings = new Map<string, { n: number; ms: number }>();
const db = maestro.db as any;
const original = db.transaction.bind(db);
let txMs = 0;
db.transaction = async (fn: (tx: Queryable) => Promise<unknown>) => {
  const t0 = performance.now();
  try {
    return await original((tx: Queryable) =>
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
  } finally { txMs += performance.now() - t0; }
};
const calls = Number(process.argv[4] ?? 10);
const t = performance.now();
for (let i = 0; i < calls; i++) await run();
const total = performance.now() - t;
console.log(`${calls} calls of ${count}: total ${total.toFixed(0)} ms, in transactions ${txMs.toFixed(0)} ms`);
let sql = 0;
for (const [k, v] of [...timings].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) { sql += v.ms; console.log(`${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(4)}× ${k}`); }
console.log(`sql ${sql.toFixed(0)} ms`);
await server.close();
