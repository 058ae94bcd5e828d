import type { BilledState, PriceSchedule } from '../../protocol/billing.js';
import { monthlyPrice, perSecond, type BillableSpec } from './prices.js';
import type { Segment } from './timeline.js';

export const HOUR_MS = 3_600_000;

export interface PolicyPeriod {
  id: string;
  effectiveFrom: number;
  currency: string;
  prices: PriceSchedule;
}

export interface HourCharge {
  state: BilledState;
  /** Seconds spent in the state within the hour. */
  seconds: number;
  /** Seconds paid for: the same per second, the whole hour for clouds that bill by the hour. */
  billedSeconds: number;
  cost: number;
  currency: string;
  /** The policy in force when the usage in this hour began; null when none was. */
  policyId: string | null;
}

/** The policy in force at `at`: the latest that took effect at or before it. */
export function policyAt(policies: readonly PolicyPeriod[], at: number): PolicyPeriod | null {
  let found: PolicyPeriod | null = null;
  for (const policy of policies) if (policy.effectiveFrom <= at && (!found || policy.effectiveFrom > found.effectiveFrom)) found = policy;
  return found;
}

/**
 * What a resource costs in the hour starting at `hourStart`, one charge per billed state.
 * Per second: each second at the rate of the policy in force then (a policy that takes effect
 * mid-hour prices the rest of the hour). By the hour: every state the resource was in during
 * the hour counts as the whole hour, at the policy in force when the hour began (and the size the
 * resource had when its use in the hour began, should it have been resized in it).
 */
export function chargesForHour(
  segments: readonly Segment[],
  hourStart: number,
  granularity: 'second' | 'hour',
  spec: BillableSpec,
  policies: readonly PolicyPeriod[],
  fallbackCurrency: string,
): HourCharge[] {
  const hourEnd = hourStart + HOUR_MS;
  const byState = new Map<BilledState, { ms: number; pieces: Array<[number, number, BillableSpec]> }>();
  for (const segment of segments) {
    const from = Math.max(Date.parse(segment.from), hourStart);
    const to = Math.min(segment.to === null ? hourEnd : Date.parse(segment.to), hourEnd);
    if (to <= from) continue;
    const entry = byState.get(segment.state) ?? { ms: 0, pieces: [] };
    entry.ms += to - from;
    // A stretch before a resize is priced at the size it had then.
    entry.pieces.push([from, to, segment.size ? { ...spec, ...segment.size } : spec]);
    byState.set(segment.state, entry);
  }
  const charges: HourCharge[] = [];
  for (const [state, { ms, pieces }] of byState) {
    const seconds = Math.round(ms / 1000);
    if (seconds === 0) continue;
    const first = policyAt(policies, pieces[0]![0]);
    if (granularity === 'hour') {
      // The whole hour at the policy and the size in force when the hour's use began.
      const policy = policyAt(policies, hourStart);
      const cost = policy ? perSecond(monthlyPrice(policy.prices, pieces[0]![2], state)) * 3600 : 0;
      charges.push({ state, seconds, billedSeconds: 3600, cost, currency: policy?.currency ?? fallbackCurrency, policyId: policy?.id ?? null });
      continue;
    }
    let cost = 0;
    for (const [from, to, size] of pieces) cost += costBetween(from, to, size, state, policies);
    charges.push({ state, seconds, billedSeconds: seconds, cost, currency: first?.currency ?? fallbackCurrency, policyId: first?.id ?? null });
  }
  return charges;
}

/** The cost of [from, to) in a state, split where a policy takes effect. */
function costBetween(from: number, to: number, spec: BillableSpec, state: BilledState, policies: readonly PolicyPeriod[]): number {
  const cuts = [from, ...policies.map((p) => p.effectiveFrom).filter((t) => t > from && t < to).sort((a, b) => a - b), to];
  let cost = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const policy = policyAt(policies, cuts[i]!);
    if (policy) cost += perSecond(monthlyPrice(policy.prices, spec, state)) * ((cuts[i + 1]! - cuts[i]!) / 1000);
  }
  return cost;
}
