import type { CostQuotaScope } from '../protocol/quotas.js';
import type { EventReason } from '../protocol/events.js';

/**
 * The rules of quotas, without I/O: the rolling window of daily resource quotas, and the
 * calendar month, scopes and thresholds of monthly cost quotas.
 */

export const HOUR_MS = 3_600_000;

// Daily resource quotas

/** What a daily quota counts: instances with their CPU and RAM, and volumes with their size. */
export const creationDimensions = ['instances', 'cpu', 'ramMb', 'volumes', 'storageGb'] as const;
export type CreationDimension = (typeof creationDimensions)[number];
export type Amounts = Record<CreationDimension, number>;
/** null: no limit in that dimension. */
export type Limits = Record<CreationDimension, number | null>;

export const noAmounts = (): Amounts => ({ instances: 0, cpu: 0, ramMb: 0, volumes: 0, storageGb: 0 });

/** Something created, and when: it counts against daily quotas until it leaves the window. */
export interface Creation {
  at: Date;
  amounts: Amounts;
}

/** The window ending now: a creation counts while it is younger than the interval. */
export const windowStart = (now: Date, intervalHours: number): Date => new Date(now.getTime() - intervalHours * HOUR_MS);

export function totalOf(creations: readonly Creation[]): Amounts {
  const total = noAmounts();
  for (const creation of creations) for (const dimension of creationDimensions) total[dimension] += creation.amounts[dimension];
  return total;
}

/** A dimension a request would take past its limit. */
export interface DailyExcess {
  dimension: CreationDimension;
  limit: number;
  used: number;
  asked: number;
  /** When enough of what was created leaves the window for the request to fit; null when it never fits (it asks more than the limit). */
  freesAt: Date | null;
}

/**
 * Which limits a request would exceed, given what was created in the window (`creations`,
 * any order). Only the dimensions the request asks for are checked: a volume is not refused
 * because the instance limit is used up.
 */
export function dailyExcess(limits: Limits, creations: readonly Creation[], ask: Amounts, intervalHours: number): DailyExcess[] {
  const oldestFirst = [...creations].sort((a, b) => a.at.getTime() - b.at.getTime());
  const used = totalOf(creations);
  const excess: DailyExcess[] = [];
  for (const dimension of creationDimensions) {
    const limit = limits[dimension];
    const asked = ask[dimension];
    if (limit === null || asked <= 0 || used[dimension] + asked <= limit) continue;
    let freesAt: Date | null = null;
    if (asked <= limit) {
      let remaining = used[dimension];
      for (const creation of oldestFirst) {
        remaining -= creation.amounts[dimension];
        if (remaining + asked <= limit) {
          freesAt = new Date(creation.at.getTime() + intervalHours * HOUR_MS);
          break;
        }
      }
    }
    excess.push({ dimension, limit, used: used[dimension], asked, freesAt });
  }
  return excess;
}

// Monthly cost quotas

/** A calendar month in UTC, as billing's daily records count days: [from, until). */
export interface CalendarMonth {
  /** YYYY-MM */
  month: string;
  /** YYYY-MM-DD, the first day. */
  from: string;
  /** YYYY-MM-DD, the first day of the next month. */
  until: string;
}

export function calendarMonth(now: Date): CalendarMonth {
  const day = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return { month: day(year, month).slice(0, 7), from: day(year, month), until: day(year, month + 1) };
}

/** Where a cost quota applies: `target` is the cloud code or the region name; null for `all`. */
export interface CostScope {
  scope: CostQuotaScope;
  target: string | null;
}

/** Whether a quota covers a place. Billing sources may spell clouds and regions in any case. */
export function scopeCovers(quota: CostScope, place: { cloud: string; region: string }): boolean {
  const same = (a: string, b: string | null) => b !== null && a.toUpperCase() === b.toUpperCase();
  if (quota.scope === 'all') return true;
  return same(quota.scope === 'cloud' ? place.cloud : place.region, quota.target);
}

/** A day's (or a month's) cost of a tenant in one place and currency, as billing records it. */
export interface Spend {
  cloud: string;
  region: string;
  currency: string;
  cost: number;
}

/** What a quota's tenant spent where the quota applies. Costs in other currencies do not count: there are no exchange rates. */
export function spentOn(quota: CostScope & { currency: string }, spends: readonly Spend[]): number {
  let total = 0;
  for (const spend of spends) {
    if (spend.currency.toUpperCase() === quota.currency.toUpperCase() && scopeCovers(quota, spend)) total += spend.cost;
  }
  return total;
}

/** Whether `spent` reached `percent` of `limit`, allowing for floating-point rounding (0.29 × 100 is 28.999999999999996). */
export const reached = (spent: number, limit: number, percent: number): boolean => spent * 100 >= percent * limit * (1 - 1e-12);

/** The share spent, for people: two decimals. */
export const percentSpent = (spent: number, limit: number): number => Math.round((spent / limit) * 10_000) / 100;

/**
 * The thresholds to announce now, lowest first: the notification plan's percentage and always
 * 100%, each once (`announced` are those already recorded for this quota and month).
 */
export function thresholdsDue(spent: number, limit: number, notifyAtPercent: number | null, announced: ReadonlySet<number>): number[] {
  const plan = notifyAtPercent === null || notifyAtPercent >= 100 ? [100] : [notifyAtPercent, 100];
  return plan.filter((percent) => !announced.has(percent) && reached(spent, limit, percent));
}

// Maestro acting because of a quota: the CADF reasons it records, which handlers recognise

/** An approved request being run by Maestro as its requester: the marker the held quota lets through. */
export const APPROVAL_REASON_TYPE = 'maestro/approval';
/** Running instances stopped because a monthly cost quota with action stop is spent. */
export const QUOTA_STOP_REASON_TYPE = 'maestro/quota';

export const approvalReason = (approvalId: string): EventReason => ({ reasonType: APPROVAL_REASON_TYPE, reasonCode: approvalId });
export const quotaStopReason = (quotaId: string): EventReason => ({ reasonType: QUOTA_STOP_REASON_TYPE, reasonCode: quotaId });

/** The approval a call runs, when Maestro makes it to carry out an approved request. */
export const approvalBeingRun = (reason: EventReason | null): string | null =>
  reason?.reasonType === APPROVAL_REASON_TYPE ? reason.reasonCode : null;

/** How a monthly cost quota is named in the audit trail and in messages: "monthly quota cloud AWS". */
export const costQuotaName = (quota: CostScope): string => `monthly quota ${quota.scope}${quota.target === null ? '' : ` ${quota.target}`}`;
