import type { DriverRegistry } from '../../clouds/registry.js';
import { chargesForHour, HOUR_MS, type PolicyPeriod } from '../../domain/billing/hourly.js';
import type { BillableSpec } from '../../domain/billing/prices.js';
import type { Segment } from '../../domain/billing/timeline.js';
import type { BillableType, PriceSchedule } from '../../protocol/billing.js';
import type { CloudKind } from '../../protocol/clouds.js';
import type { Database, Queryable } from '../../store/database.js';
import type { TimelineSpec } from '../projections/billing.js';

export interface HourBilled {
  hour: string;
  /** False when another run (this node earlier, or another node) had billed the hour already. */
  billed: boolean;
  records: number;
  /** Tenants with records in the hour: whose spending moved. */
  tenantIds: string[];
}

interface TimelineToBill {
  resourceId: string;
  resourceType: BillableType;
  tenantId: string;
  regionId: string;
  spec: TimelineSpec;
  segments: Segment[];
  os: string | null;
  tags: Record<string, string>;
}

/** A currency for records of regions without any price policy yet (their cost is zero). */
const UNPRICED_CURRENCY = 'USD';
const CHUNK = 5000;

/**
 * Writes the billing records of one past hour from the timelines open in it (seed §3.4.2), in
 * one transaction that also adds them to the day's tenant records and marks the hour billed.
 * Runs serialise on an advisory lock and a billed hour is never billed again, so running it
 * twice, or on two nodes, never doubles a record.
 */
export async function billHour(db: Database, clouds: DriverRegistry, hourStart: number, nodeName: string): Promise<HourBilled> {
  const hour = new Date(hourStart).toISOString();
  const hourEnd = new Date(hourStart + HOUR_MS).toISOString();
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('maestro.billing'))`);
    const done = await tx.query('SELECT 1 FROM billing_runs WHERE hour = $1', [hour]);
    if (done.rows.length > 0) return { hour, billed: false, records: 0, tenantIds: [] };

    // One statement at a time: a transaction is one connection.
    const timelines = await timelinesIn(tx, hour, hourEnd);
    const granularities = await regionGranularities(tx, clouds);
    const policies = await policiesBefore(tx, hourEnd);
    const rows: Record<string, unknown>[] = [];
    for (const timeline of timelines) {
      const regionPolicies = policies.get(timeline.regionId) ?? [];
      const spec: BillableSpec = { type: timeline.resourceType, ...timeline.spec, os: timeline.os };
      const charges = chargesForHour(
        timeline.segments,
        hourStart,
        granularities.get(timeline.regionId) ?? 'hour',
        spec,
        regionPolicies,
        regionPolicies[0]?.currency ?? UNPRICED_CURRENCY,
      );
      for (const charge of charges) {
        rows.push({
          resource_id: timeline.resourceId,
          hour,
          state: charge.state,
          resource_type: timeline.resourceType,
          tenant_id: timeline.tenantId,
          region_id: timeline.regionId,
          seconds: charge.seconds,
          billed_seconds: charge.billedSeconds,
          cost: charge.cost.toFixed(10),
          currency: charge.currency,
          policy_id: charge.policyId,
          tags: timeline.tags,
        });
      }
    }
    for (let at = 0; at < rows.length; at += CHUNK) {
      await tx.query(
        `INSERT INTO billing_records SELECT * FROM jsonb_populate_recordset(null::billing_records, $1::jsonb) ON CONFLICT DO NOTHING`,
        [JSON.stringify(rows.slice(at, at + CHUNK))],
      );
    }
    await addToDailyRecords(tx, hour);
    const totals = await tx.query<{ cost: string | null }>('SELECT sum(cost)::text AS cost FROM billing_records WHERE hour = $1', [hour]);
    await tx.query(`INSERT INTO billing_runs (hour, records, cost, node, completed_at) VALUES ($1, $2, $3, $4, now())`, [
      hour,
      rows.length,
      totals.rows[0]?.cost ?? '0',
      nodeName,
    ]);
    return { hour, billed: true, records: rows.length, tenantIds: [...new Set(rows.map((row) => row.tenant_id as string))] };
  });
}

/** Timelines with time in [hour, hourEnd), with what their resource is and its tags now. */
async function timelinesIn(tx: Queryable, hour: string, hourEnd: string): Promise<TimelineToBill[]> {
  const { rows } = await tx.query<TimelineToBill>(
    `SELECT t.resource_id AS "resourceId", t.resource_type AS "resourceType", t.tenant_id AS "tenantId", t.region_id AS "regionId",
            t.spec, t.segments, img.os, COALESCE(i.tags, v.tags, '{}'::jsonb) AS tags
       FROM billing_timelines t
       LEFT JOIN images img ON img.id = (t.spec->>'imageId')::uuid
       LEFT JOIN instances i ON t.resource_type = 'instance' AND i.id = t.resource_id
       LEFT JOIN volumes v ON t.resource_type = 'volume' AND v.id = t.resource_id
      WHERE (t.open OR t.closed_at > $1)
        AND jsonb_array_length(t.segments) > 0
        AND (t.segments->0->>'from')::timestamptz < $2`,
    [hour, hourEnd],
  );
  return rows;
}

/** Per region: whether its cloud bills by the second or by the hour, as its driver declares. */
async function regionGranularities(tx: Queryable, clouds: DriverRegistry): Promise<Map<string, 'second' | 'hour'>> {
  const { rows } = await tx.query<{ id: string; cloud: CloudKind }>('SELECT id, cloud FROM regions');
  return new Map(
    rows.map((region) => [region.id, clouds.has(region.cloud) ? clouds.get(region.cloud).capabilities.billingGranularity : 'hour']),
  );
}

async function policiesBefore(tx: Queryable, hourEnd: string): Promise<Map<string, PolicyPeriod[]>> {
  const { rows } = await tx.query<{ id: string; regionId: string; effectiveFrom: string; currency: string; prices: PriceSchedule }>(
    `SELECT id, region_id AS "regionId", effective_from AS "effectiveFrom", currency, prices
       FROM price_policies WHERE effective_from < $1 ORDER BY effective_from`,
    [hourEnd],
  );
  const byRegion = new Map<string, PolicyPeriod[]>();
  for (const row of rows) {
    const list = byRegion.get(row.regionId) ?? [];
    list.push({ id: row.id, effectiveFrom: Date.parse(row.effectiveFrom), currency: row.currency, prices: row.prices });
    byRegion.set(row.regionId, list);
  }
  return byRegion;
}

/** Adds the hour's records to the daily tenant records (by region, service and tag set). */
async function addToDailyRecords(tx: Queryable, hour: string): Promise<void> {
  await tx.query(
    `INSERT INTO daily_tenant_records (tenant_id, day, source, cloud, region, service, tags_key, tags, cost, currency, import_id)
     SELECT r.tenant_id, (r.hour AT TIME ZONE 'UTC')::date, 'private', g.cloud, g.name, r.resource_type,
            CASE WHEN r.tags = '{}'::jsonb THEN '' ELSE r.tags::text END, r.tags, sum(r.cost), r.currency, NULL
       FROM billing_records r JOIN regions g ON g.id = r.region_id
      WHERE r.hour = $1
      GROUP BY r.tenant_id, 2, g.cloud, g.name, r.resource_type, r.tags, r.currency
     ON CONFLICT (tenant_id, day, source, cloud, region, service, tags_key)
       DO UPDATE SET cost = daily_tenant_records.cost + excluded.cost`,
    [hour],
  );
}
