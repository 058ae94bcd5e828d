import { decimalText, toNumber } from '../../../domain/billing/decimal.js';
import { conflict, invalidInput } from '../../../protocol/errors.js';
import type { Queryable } from '../../../store/database.js';
import type { DailyCost } from './aggregator.js';
import type { AccountPeriod } from './tally.js';

/**
 * Writes an import's daily costs, in the caller's transaction. "The same period" is a
 * sub-account's billing period: the file replaces, for every (cloud, sub-account, billing
 * period) among its imported rows, whatever earlier imports recorded for it, and nothing else.
 * A provider's export rewrites the whole billing period to date on each run, so importing the
 * newest file of a month (or the same file twice) leaves exactly its figures. Corrections billed
 * in a later period for earlier days belong to that later period, and stay when the earlier
 * one is imported again.
 *
 * The public daily tenant records are the sums of these costs: each (tenant, cloud, day) the
 * import touches, before or after, is summed again from every import's costs.
 */
export interface Replacement {
  previousEntries: number;
  entries: number;
  dailyRecords: number;
}

const BATCH = 5000;
/** numeric(24, 10) holds less than 10^14; a day's sums of several imports must fit. */
const MAX_DAILY_COST = 1e13;

interface TouchedDay {
  tenant_id: string;
  cloud: string;
  day: string;
}

const periodsJson = (periods: readonly AccountPeriod[]) =>
  JSON.stringify(periods.map((p) => ({ cloud: p.cloud, account: p.account, start: new Date(p.billingPeriodStart).toISOString() })));

// The covered periods as a relation `s`, and the condition that a daily cost `c` falls in one.
const coveredPeriods = 'jsonb_to_recordset($1::jsonb) AS s(cloud text, account text, start timestamptz)';
const inCoveredPeriod = 'c.cloud = s.cloud AND c.account = s.account AND c.billing_period_start = s.start';
// The touched tenant days as a relation `t`, and the condition that a row of alias `a` is on one.
const touchedDays = 'jsonb_to_recordset($1::jsonb) AS t(tenant_id uuid, cloud text, day date)';
const onTouchedDay = (a: string) => `${a}.tenant_id = t.tenant_id AND ${a}.cloud = t.cloud AND ${a}.day = t.day`;

/** How many daily cost entries of earlier imports the periods hold (what an import would replace). */
export async function countPreviousEntries(tx: Queryable, covered: readonly AccountPeriod[]): Promise<number> {
  if (covered.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM public_billing_costs c JOIN ${coveredPeriods} ON ${inCoveredPeriod}`, [periodsJson(covered)]);
  return rows[0]!.n;
}

export async function replacePublicCosts(
  tx: Queryable,
  importId: string,
  covered: readonly AccountPeriod[],
  costs: Iterable<DailyCost>,
): Promise<Replacement> {
  if (covered.length === 0) return { previousEntries: 0, entries: 0, dailyRecords: 0 };
  // Imports write one after the other: two summing the same tenant days at once would each
  // miss the other's costs (or collide on the same keys).
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('maestro.billing-import'))`);
  const touched = new Map<string, TouchedDay>();
  const touch = (day: TouchedDay) => touched.set(`${day.tenant_id}\u0001${day.cloud}\u0001${day.day}`, day);

  const { rows: previous } = await tx.query<TouchedDay & { n: number }>(
    `WITH removed AS (
       DELETE FROM public_billing_costs c USING ${coveredPeriods} WHERE ${inCoveredPeriod}
       RETURNING c.tenant_id, c.cloud, c.day)
     SELECT tenant_id, cloud, day::text AS day, count(*)::int AS n FROM removed GROUP BY 1, 2, 3`,
    [periodsJson(covered)],
  );
  let previousEntries = 0;
  for (const { n, ...day } of previous) {
    previousEntries += n;
    touch(day);
  }

  let entries = 0;
  for (const batch of batches(costs, touch)) {
    entries += batch.length;
    await tx.query(
      `INSERT INTO public_billing_costs (cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost, import_id)
       SELECT cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(cloud text, account text, billing_period_start timestamptz, day date, region text,
              service text, tags_key text, currency text, tenant_id uuid, cost numeric)`,
      [JSON.stringify(batch), importId],
    );
  }

  const days = JSON.stringify([...touched.values()]);
  await refuseMixedCurrencies(tx, days);
  await tx.query(
    `DELETE FROM daily_tenant_records d USING ${touchedDays} WHERE d.source = 'public' AND ${onTouchedDay('d')}`,
    [days],
  );
  const written = await tx.query(
    `INSERT INTO daily_tenant_records (tenant_id, day, source, cloud, region, service, tags_key, tags, cost, currency, import_id)
     SELECT c.tenant_id, c.day, 'public', c.cloud, c.region, c.service, c.tags_key,
            CASE WHEN c.tags_key = '' THEN '{}'::jsonb ELSE c.tags_key::jsonb END, sum(c.cost), c.currency, $2
       FROM public_billing_costs c JOIN ${touchedDays} ON ${onTouchedDay('c')}
      GROUP BY c.tenant_id, c.day, c.cloud, c.region, c.service, c.tags_key, c.currency`,
    [days, importId],
  );
  return { previousEntries, entries, dailyRecords: written.rowCount };
}

/** Rows for the insert, in batches, noting each tenant day they touch. */
function* batches(costs: Iterable<DailyCost>, touch: (day: TouchedDay) => void): Generator<object[]> {
  const dayText = new Map<number, string>();
  let batch: object[] = [];
  for (const cost of costs) {
    let day = dayText.get(cost.day);
    if (day === undefined) {
      day = new Date(cost.day).toISOString().slice(0, 10);
      dayText.set(cost.day, day);
    }
    const amount = cost.cost.value;
    if (Math.abs(toNumber(amount)) >= MAX_DAILY_COST) {
      throw invalidInput(
        `the costs of ${cost.cloud} sub-account ${cost.account} on ${day} add up to ${decimalText(amount)}, more than a daily record holds; nothing was imported`,
      );
    }
    touch({ tenant_id: cost.tenantId, cloud: cost.cloud, day });
    batch.push({
      cloud: cost.cloud,
      account: cost.account,
      billing_period_start: new Date(cost.billingPeriodStart).toISOString(),
      day,
      region: cost.region,
      service: cost.service,
      tags_key: cost.tagsKey,
      currency: cost.currency,
      tenant_id: cost.tenantId,
      // As text: PostgreSQL reads every digit, where a JSON number would pass through a float.
      cost: decimalText(amount),
    });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A daily tenant record has one currency: two sub-accounts of one tenant billed in two currencies cannot share it. */
async function refuseMixedCurrencies(tx: Queryable, days: string): Promise<void> {
  const { rows } = await tx.query<{ tenant: string; cloud: string; day: string; currencies: string }>(
    `SELECT n.name AS tenant, c.cloud, c.day::text AS day, string_agg(DISTINCT c.currency, ', ') AS currencies
       FROM public_billing_costs c JOIN ${touchedDays} ON ${onTouchedDay('c')}
       JOIN tenants n ON n.id = c.tenant_id
      GROUP BY n.name, c.tenant_id, c.day, c.cloud, c.region, c.service, c.tags_key
     HAVING count(DISTINCT c.currency) > 1 LIMIT 1`,
    [days],
  );
  const mixed = rows[0];
  if (mixed) {
    throw conflict(
      `tenant ${mixed.tenant} would have ${mixed.cloud} costs for ${mixed.day} in ${mixed.currencies}: its sub-accounts are billed in ` +
        'different currencies. Map them to different tenants; nothing was imported',
      { tenant: mixed.tenant, cloud: mixed.cloud, day: mixed.day },
    );
  }
}
