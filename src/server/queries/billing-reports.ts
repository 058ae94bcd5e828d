import { moneyText, parseDecimal } from '../../domain/billing/decimal.js';
import { AppError } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';

export type ReportKind = 'total' | 'subtotal' | 'resource' | 'hourly' | 'tag';
type Cell = string | number | null;

export interface ReportQuery {
  kind: ReportKind;
  /** null: every tenant. */
  tenantIds: readonly string[] | null;
  from: string;
  to: string;
  by: 'region' | 'tenant' | 'cloud' | 'service';
  period: 'all' | 'day' | 'week' | 'month';
  region?: string | undefined;
  resourceType?: string | undefined;
  tagKey?: string | undefined;
}

export interface Report {
  columns: string[];
  /** `cost` as exact decimal text (money: two to ten places). */
  rows: Record<string, Cell>[];
  /** What the report's records cost, each once, by currency: exact decimal text. */
  totals: { currency: string; cost: string }[];
}

/** Filters shared by every kind: the date range, the tenants, a region, a service. */
function filters(query: ReportQuery, alias: string, timeColumn: string, timeIsDay: boolean) {
  const params: unknown[] = [query.from, query.to];
  const where = timeIsDay
    ? [`${alias}.${timeColumn} BETWEEN $1::date AND $2::date`]
    : [`${alias}.${timeColumn} >= $1::date AND ${alias}.${timeColumn} < $2::date + 1`];
  if (query.tenantIds) {
    params.push(query.tenantIds);
    where.push(`${alias}.tenant_id = ANY($${params.length}::uuid[])`);
  }
  if (query.resourceType) {
    params.push(query.resourceType);
    where.push(timeIsDay ? `${alias}.service = $${params.length}` : `${alias}.resource_type = $${params.length}`);
  }
  if (query.region) {
    params.push(query.region);
    where.push(timeIsDay ? `${alias}.region = $${params.length}` : `${alias}.region_id = (SELECT id FROM regions WHERE name = $${params.length})`);
  }
  return { params, where: where.join(' AND ') };
}

const periodExpression = { day: `d.day`, week: `date_trunc('week', d.day)::date`, month: `date_trunc('month', d.day)::date` } as const;
const groupColumn = { region: 'd.region', cloud: 'd.cloud', service: 'd.service', tenant: 't.name' } as const;
// Full precision, as numeric text: costs are rounded only when shown, never row by row, so that
// sub-cent records count and every report of a period adds up to the same total.
const cost = `sum(%)::text`;

/** A numeric PostgreSQL wrote, as money text: every place it has, at least two. */
function money(text: Cell): string {
  const amount = typeof text === 'string' ? parseDecimal(text) : null;
  if (amount === null) throw new AppError('internal', `a billing report summed a cost to ${String(text)}, which is no decimal`);
  return moneyText(amount);
}

/**
 * The reports of the billing screens (seed §3.4.2) over the daily tenant records (private and
 * public billing alike) or, for per-resource and hourly ones, the private hourly records. The
 * totals are summed by PostgreSQL from the same records, each once (a record with several tags
 * shows under each key in the tag report, and still counts once).
 */
export async function billingReport(db: Queryable, query: ReportQuery): Promise<Report> {
  const { sql, columns, params, totals } = reportSql(query);
  const { rows } = await db.query<Record<string, Cell>>(sql, params);
  const summed = await db.query<{ currency: string; cost: string }>(totals.sql, totals.params);
  return {
    columns,
    rows: rows.map((row) => ({ ...row, cost: money(row.cost ?? null) })),
    totals: summed.rows.map((row) => ({ currency: row.currency, cost: money(row.cost) })),
  };
}

interface Totals {
  sql: string;
  params: unknown[];
}

/** What the records behind a report cost, by currency. */
function totalsOf(table: 'daily_tenant_records' | 'billing_records', alias: string, where: string, params: readonly unknown[]): Totals {
  return {
    sql: `SELECT ${alias}.currency, ${cost.replace('%', `${alias}.cost`)} AS cost FROM ${table} ${alias} WHERE ${where} GROUP BY 1 ORDER BY 1`,
    params: [...params],
  };
}

function reportSql(query: ReportQuery): { sql: string; columns: string[]; params: unknown[]; totals: Totals } {
  const period = query.period === 'all' ? null : periodExpression[query.period];
  switch (query.kind) {
    case 'total':
    case 'subtotal': {
      const { params, where } = filters(query, 'd', 'day', true);
      const keys = [...(period ? [[period, 'period']] : []), ...(query.kind === 'subtotal' ? [[groupColumn[query.by], query.by]] : [])];
      const select = keys.map(([expression, name]) => `${expression}::text AS "${name}"`);
      return {
        sql: `SELECT ${[...select, 'd.currency', `${cost.replace('%', 'd.cost')} AS cost`].join(', ')}
                FROM daily_tenant_records d JOIN tenants t ON t.id = d.tenant_id
               WHERE ${where}
               GROUP BY ${[...keys.map(([expression]) => expression), 'd.currency'].join(', ')}
               ORDER BY ${[...keys.map((_, i) => String(i + 1)), 'd.currency'].join(', ')}`,
        columns: [...keys.map(([, name]) => name!), 'currency', 'cost'],
        params,
        totals: totalsOf('daily_tenant_records', 'd', where, params),
      };
    }
    case 'tag': {
      const { params, where } = filters(query, 'd', 'day', true);
      const totals = totalsOf('daily_tenant_records', 'd', where, params);
      let tagSql: string;
      if (query.tagKey) {
        params.push(query.tagKey);
        tagSql = `SELECT $${params.length}::text AS "tagKey", d.tags->>$${params.length} AS "tagValue", d.currency, d.cost
                    FROM daily_tenant_records d WHERE ${where}`;
      } else {
        // Every tag of the records; a record with several tags counts under each key.
        tagSql = `SELECT tag.key AS "tagKey", tag.value AS "tagValue", d.currency, d.cost
                    FROM daily_tenant_records d CROSS JOIN LATERAL jsonb_each_text(d.tags) AS tag WHERE ${where}
                  UNION ALL SELECT NULL, NULL, d.currency, d.cost FROM daily_tenant_records d WHERE ${where} AND d.tags = '{}'::jsonb`;
      }
      return {
        sql: `SELECT "tagKey", "tagValue", currency, ${cost.replace('%', 'cost')} AS cost FROM (${tagSql}) tagged
               GROUP BY 1, 2, 3 ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3`,
        columns: ['tagKey', 'tagValue', 'currency', 'cost'],
        params,
        totals,
      };
    }
    case 'resource': {
      const { params, where } = filters(query, 'r', 'hour', false);
      return {
        sql: `SELECT r.resource_id::text AS "resourceId", r.resource_type AS "resourceType",
                     COALESCE(i.name, v.name, img.name) AS name, t.name AS tenant, g.name AS region, r.currency,
                     round(sum(r.billed_seconds) / 3600.0, 4)::float8 AS "billedHours", ${cost.replace('%', 'r.cost')} AS cost
                FROM billing_records r JOIN tenants t ON t.id = r.tenant_id JOIN regions g ON g.id = r.region_id
                LEFT JOIN instances i ON i.id = r.resource_id LEFT JOIN volumes v ON v.id = r.resource_id
                LEFT JOIN images img ON img.id = r.resource_id
               WHERE ${where}
               GROUP BY r.resource_id, r.resource_type, i.name, v.name, img.name, t.name, g.name, r.currency
               ORDER BY sum(r.cost) DESC, 1`,
        columns: ['resourceId', 'resourceType', 'name', 'tenant', 'region', 'currency', 'billedHours', 'cost'],
        params,
        totals: totalsOf('billing_records', 'r', where, params),
      };
    }
    case 'hourly': {
      const { params, where } = filters(query, 'r', 'hour', false);
      return {
        sql: `SELECT to_char(r.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour, r.currency, ${cost.replace('%', 'r.cost')} AS cost
                FROM billing_records r WHERE ${where} GROUP BY r.hour, r.currency ORDER BY r.hour, r.currency`,
        columns: ['hour', 'currency', 'cost'],
        params,
        totals: totalsOf('billing_records', 'r', where, params),
      };
    }
  }
}

/** RFC 4180 CSV of a report's rows. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const field = (value: Cell | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map(field).join(','), ...rows.map((row) => columns.map((column) => field(row[column])).join(','))].join('\r\n') + '\r\n';
}
