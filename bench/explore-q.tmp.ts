import { openPglite } from '../src/store/pglite.js';
const db = await openPglite({ dataDir: '/tmp/explore/pgl/pglite' });
const [tid] = (await db.query<{ id: string }>("SELECT id FROM tenants WHERE name='BIG'")).rows;
for (const sql of process.argv.slice(2)) {
  const q = sql.replaceAll('TID', tid!.id);
  const t = performance.now();
  const { rows } = await db.query<Record<string, string>>(q);
  console.log(rows.map((r) => Object.values(r).join(' ')).join('\n'));
  console.log(`-- ${(performance.now() - t).toFixed(1)} ms`);
}
await db.close();
