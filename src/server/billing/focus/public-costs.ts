import { decimalText, toNumber } from '../../../domain/billing/decimal.js';
import { conflict, invalidInput } from '../../../protocol/errors.js';
import type { Queryable } from '../../../store/database.js';
import type { DailyCost } from './aggregator.js';
import type { AccountPeriod } from './tally.js';

/**
 * Writes an import's daily costs. "The same period" is a sub-account's billing period: the file
 * replaces, for every (cloud, sub-account, billing period) among its imported rows, whatever
 * earlier imports recorded for it, and nothing else. A provider's export rewrites the whole
 * billing period to date on each run, so importing the newest file of a month (or the same file
 * twice) leaves exactly its figures. Corrections billed in a later period for earlier days belong
 * to that later period, and stay when the earlier one is imported again.
 *
 * The public daily tenant records are the sums of these costs: each (tenant, cloud, day) the
 * import touches, before or after, is summed again from every import's costs.
 *
 * Two steps, so that the embedded database's one connection is never held for long: the costs
 * are first staged under the job's attempt, a batch per statement (other calls run between
 * them), then one transaction swaps them in. Until that commits nothing is visible, and a failed
 * or killed attempt leaves only staged rows, which the next attempt or import removes.
 */

/** The staged rows of one attempt of an import job. */
export interface Stage {
  jobId: string;
  attempt: number;
}

export interface TouchedDay {
  tenant_id: string;
  cloud: string;
  day: string;
}

/** Small enough that one statement holds the embedded database for some milliseconds only. */
const STAGE_BATCH = 1000;
/** numeric(24, 10) holds less than 10^14; a day's sums of several imports must fit. */
const MAX_DAILY_COST = 1e13;

const periodsJson = (periods: readonly AccountPeriod[]) =>
  JSON.stringify(periods.map((p) => ({ cloud: p.cloud, account: p.account, start: new Date(p.billingPeriodStart).toISOString() })));

// The covered periods as a relation `s`, and the condition that a daily cost `c` falls in one.
const coveredPeriods = 'jsonb_to_recordset($1::jsonb) AS s(cloud text, account text, start timestamptz)';
const inCoveredPeriod = 'c.cloud = s.cloud AND c.account = s.account AND c.billing_period_start = s.start';
// The touched tenant days as a relation `t`, and the condition that a row of alias `a` is on one.
const touchedDays = 'jsonb_to_recordset($1::jsonb) AS t(tenant_id uuid, cloud text, day date)';
const onTouchedDay = (a: string) => `${a}.tenant_id = t.tenant_id AND ${a}.cloud = t.cloud AND ${a}.day = t.day`;
const dayKey = (day: TouchedDay) => `${day.tenant_id}\u0001${day.cloud}\u0001${day.day}`;

/** How many daily cost entries of earlier imports the periods hold (what an import would replace). */
export async function countPreviousEntries(tx: Queryable, covered: readonly AccountPeriod[]): Promise<number> {
  if (covered.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM public_billing_costs c JOIN ${coveredPeriods} ON ${inCoveredPeriod}`, [periodsJson(covered)]);
  return rows[0]!.n;
}

/**
 * Stages the costs of `stage` a batch per statement (after removing whatever earlier attempts of
 * the job staged), calling `between` after each batch. Returns the tenant days they fall on.
 */
export async function stageCosts(
  db: Queryable,
  stage: Stage,
  costs: Iterable<DailyCost>,
  between: (staged: number) => Promise<void>,
): Promise<TouchedDay[]> {
  // Earlier attempts only: a later one may be running on another node while this one has lost its lease.
  await db.query('DELETE FROM billing_import_staging WHERE job_id = $1 AND attempt < $2', [stage.jobId, stage.attempt]);
  const touched = new Map<string, TouchedDay>();
  let staged = 0;
  for (const batch of batches(costs, (day) => touched.set(dayKey(day), day))) {
    await db.query(
      `INSERT INTO billing_import_staging (job_id, attempt, cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost)
       SELECT $2, $3, cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost
         FROM jsonb_to_recordset($1::jsonb) AS x(cloud text, account text, billing_period_start timestamptz, day date, region text,
              service text, tags_key text, currency text, tenant_id uuid, cost numeric)`,
      [JSON.stringify(batch), stage.jobId, stage.attempt],
    );
    staged += batch.length;
    await between(staged);
  }
  return [...touched.values()];
}

/** Removes what an attempt staged, once swapped in or given up (never another attempt's rows). */
export async function clearStage(db: Queryable, stage: Stage): Promise<void> {
  await db.query('DELETE FROM billing_import_staging WHERE job_id = $1 AND attempt = $2', [stage.jobId, stage.attempt]);
}

/** Removes rows staged by import jobs that will never swap them in (failed for good, killed on their last attempt, cleaned up). */
export async function clearAbandonedStages(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM billing_import_staging s
      WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = s.job_id AND j.status IN ('pending', 'processing', 'postponed'))`,
  );
}

export interface Replacement {
  previousEntries: number;
  dailyRecords: number;
}

/**
 * Swaps the staged costs in, in the caller's transaction: removes the covered periods' earlier
 * costs, moves the staged ones in, and sums every touched tenant day again.
 */
export async function swapInCosts(
  tx: Queryable,
  importId: string,
  stage: Stage,
  covered: readonly AccountPeriod[],
  stagedDays: readonly TouchedDay[],
): Promise<Replacement> {
  if (covered.length === 0) return { previousEntries: 0, dailyRecords: 0 };
  // Imports swap one after the other: two summing the same tenant days at once would each
  // miss the other's costs (or collide on the same keys).
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('maestro.billing-import'))`);
  const touched = new Map(stagedDays.map((day) => [dayKey(day), day]));
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
    touched.set(dayKey(day), day);
  }
  await tx.query(
    `INSERT INTO public_billing_costs (cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost, import_id)
     SELECT cloud, account, billing_period_start, day, region, service, tags_key, currency, tenant_id, cost, $3
       FROM billing_import_staging WHERE job_id = $1 AND attempt = $2`,
    [stage.jobId, stage.attempt, importId],
  );

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
  return { previousEntries, dailyRecords: written.rowCount };
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
    if (batch.length === STAGE_BATCH) {
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
