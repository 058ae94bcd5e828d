// 9. Billing: the hourly run over 100,000 open timelines against reading them and inserting as
// many rows into a plain table; and a monthly report over 1,000 tenants × 30 days against a bare
// scan of the same daily records.
import { SimulatedCloud } from '../src/clouds/sim/driver.js';
import { DriverRegistry } from '../src/clouds/registry.js';
import { billHour } from '../src/server/billing/hourly-run.js';
import { billingReport } from '../src/server/queries/billing-reports.js';
import type { Database } from '../src/store/database.js';
import { flavourName, openBenchDatabase, type Flavour } from './support/databases.js';
import type { Figure } from './support/report.js';

const TIMELINES = 100_000;
const TENANTS = 1000;
const DAYS = 30;
const HOUR = Date.parse('2026-05-10T10:00:00Z');

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/** A customer with 1,000 tenants, a simulated region with a price policy, and 100,000 running instances. */
async function fill(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, display_name, status, created_at, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'BENCH', 'Bench', 'active', now(), now());
    INSERT INTO regions (id, name, cloud, kind, native_name, status, description, created_at, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000002', 'BENCH-SIM', 'SIMULATED', 'private', 'bench-sim', 'active', '', now(), now());
    INSERT INTO price_policies (id, region_id, effective_from, currency, prices, description, created_at)
      VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000002', '2026-01-01', 'USD',
              '{"instance": {"perCpuMonth": 20, "perRamGbMonth": 5, "perDiskGbMonth": 0.1, "shapes": {}, "os": {}}}', '', now());
    INSERT INTO tenants (id, customer_id, group_id, name, display_name, description, status, contacts, created_at, updated_at)
      SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', NULL, 'T-' || n, 'T-' || n, '', 'active', '[]', now(), now()
        FROM generate_series(1, ${TENANTS}) n;
    CREATE TEMP TABLE bench_tenants AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM tenants;
    INSERT INTO instances (id, tenant_id, region_id, native_id, name, state, shape, cpu, ram_mb, disk_gb, image_id, key_name, owner_id,
                           managed, termination_protection, tags, tags_folded, stop_after, terminate_after, state_reason, launched_at, created_at, updated_at)
      SELECT gen_random_uuid(), t.id, '00000000-0000-4000-8000-000000000002', 'vm-' || g.i, 'vm-' || g.i, 'running', 'SMALL', 1, 2048, 10, NULL, NULL, NULL,
             true, false, jsonb_build_object('team', 'team-' || (g.i % 10)), jsonb_build_object('team', 'team-' || (g.i % 10)), NULL, NULL, NULL,
             '2026-05-10T09:00:00Z', now(), now()
        FROM generate_series(1, ${TIMELINES}) g(i) JOIN bench_tenants t ON t.n = 1 + g.i % ${TENANTS};
    INSERT INTO billing_timelines (resource_id, resource_type, tenant_id, region_id, spec, segments, open, closed_at, updated_at)
      SELECT id, 'instance', tenant_id, region_id, jsonb_build_object('cpu', cpu, 'ramMb', ram_mb, 'diskGb', disk_gb, 'shape', shape),
             jsonb_build_array(jsonb_build_object('state', 'running', 'from', '2026-05-10T09:20:00.000Z', 'to', NULL)), true, NULL, now()
        FROM instances;
    INSERT INTO daily_tenant_records (tenant_id, day, source, cloud, region, service, tags_key, tags, cost, currency, import_id)
      SELECT t.id, DATE '2026-04-01' + d, 'private', 'SIMULATED', 'BENCH-SIM', s.service, '', '{}', random() * 100, 'USD', NULL
        FROM bench_tenants t CROSS JOIN generate_series(0, ${DAYS - 1}) d CROSS JOIN (VALUES ('instance'), ('volume'), ('service')) s(service);
    ANALYZE;
  `);
}

async function measureFlavour(flavour: Flavour): Promise<Figure[]> {
  const { db, close } = await openBenchDatabase(flavour);
  try {
    await fill(db);
    const clouds = new DriverRegistry();
    clouds.register(new SimulatedCloud({ latencyMs: 0 }));
    await db.exec('CREATE TABLE bench_plain_records (LIKE billing_records)');

    // Baseline: read the same open timelines and write as many rows into a table without keys.
    const baseline = await seconds(() =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string; tenant_id: string }>(
          'SELECT resource_id AS id, tenant_id, region_id, spec, segments FROM billing_timelines WHERE open',
        );
        for (let at = 0; at < rows.length; at += 5000) {
          const chunk = rows.slice(at, at + 5000).map((row) => ({
            resource_id: row.id, hour: new Date(HOUR).toISOString(), state: 'running', resource_type: 'instance', tenant_id: row.tenant_id,
            region_id: '00000000-0000-4000-8000-000000000002', seconds: 3600, billed_seconds: 3600, cost: '0.0365', currency: 'USD', policy_id: null, tags: {},
          }));
          await tx.query('INSERT INTO bench_plain_records SELECT * FROM jsonb_populate_recordset(null::bench_plain_records, $1::jsonb)', [JSON.stringify(chunk)]);
        }
      }),
    );
    let records = 0;
    const run = await seconds(async () => {
      records = (await billHour(db, clouds, HOUR, 'bench')).records;
    });
    if (records !== TIMELINES) throw new Error(`billed ${records} records, expected ${TIMELINES}`);

    const query = { kind: 'subtotal' as const, tenantIds: null, from: '2026-04-01', to: '2026-04-30', by: 'tenant' as const, period: 'month' as const };
    await billingReport(db, query); // warm-up
    const scan = await seconds(() => db.query(`SELECT tenant_id, sum(cost) FROM daily_tenant_records WHERE day BETWEEN '2026-04-01' AND '2026-04-30' GROUP BY 1`));
    let rows = 0;
    const report = await seconds(async () => {
      rows = (await billingReport(db, query)).rows.length;
    });
    if (rows !== TENANTS) throw new Error(`the report has ${rows} rows, expected ${TENANTS}`);
    return [
      {
        benchmark: 'billing',
        name: `hourly billing run, ${TIMELINES / 1000}k open timelines, ${flavourName[flavour]}`,
        value: run,
        unit: 's',
        baseline: { name: 'read them, insert as many plain rows', value: baseline },
        ...(flavour === 'postgres' ? { target: { kind: 'at-most' as const, value: 5 } } : {}),
        details: { records, recordsPerSecond: Math.round(records / run) },
      },
      {
        benchmark: 'billing',
        name: `monthly report, ${TENANTS} tenants × ${DAYS} days, ${flavourName[flavour]}`,
        value: report,
        unit: 's',
        baseline: { name: 'bare GROUP BY of the daily records', value: scan },
        target: { kind: 'at-most' as const, value: 1 },
        details: { dailyRecords: TENANTS * DAYS * 3 },
      },
    ];
  } finally {
    await close();
  }
}

export async function billing(flavours: readonly Flavour[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const flavour of flavours) figures.push(...(await measureFlavour(flavour)));
  return figures;
}
