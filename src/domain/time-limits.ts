import type { InstanceState } from '../protocol/compute.js';
import type { EventReason } from '../protocol/events.js';
import { refusal, transitionalStates, type InstanceAction } from './instance-lifecycle.js';

/**
 * The time limits an instance can be run with (`instances.run` stopAfter / terminateAfter) and
 * what Maestro does when one passes. A limit fires once: when its time has passed, Maestro takes
 * the action if the instance's state allows it, or records why not, and either way clears the
 * limit, so an instance started again later is not stopped again.
 */
export const timeLimits = {
  stopAfter: { action: 'stop', done: 'stopped' },
  terminateAfter: { action: 'terminate', done: 'terminated' },
} as const satisfies Record<string, { action: InstanceAction; done: InstanceState }>;

export type TimeLimit = keyof typeof timeLimits;

export const timeLimitNames = Object.keys(timeLimits) as TimeLimit[];

/** The CADF reason of everything Maestro records when a limit fires. */
export const TIME_LIMIT_REASON_TYPE = 'maestro/time-limit';

export const timeLimitReason = (limit: TimeLimit): EventReason => ({ reasonType: TIME_LIMIT_REASON_TYPE, reasonCode: `${limit}-passed` });

/** The limit whose firing a call's reason says this `action` is, if Maestro is acting on one. */
export function firingTimeLimit(reason: EventReason | null, action: InstanceAction): TimeLimit | null {
  if (reason?.reasonType !== TIME_LIMIT_REASON_TYPE) return null;
  return timeLimitNames.find((limit) => timeLimits[limit].action === action && timeLimitReason(limit).reasonCode === reason.reasonCode) ?? null;
}

/** act: take the action now; wait: the instance is between states, look again later; skip: nothing to do, why. */
export type TimeLimitStep = { kind: 'act' } | { kind: 'wait' } | { kind: 'skip'; why: string };

/** What to do about an instance whose limit has passed, given its state now. */
export function timeLimitStep(limit: TimeLimit, instance: { state: InstanceState; terminationProtection: boolean }): TimeLimitStep {
  const { action } = timeLimits[limit];
  if (action === 'terminate' && instance.terminationProtection) {
    return { kind: 'skip', why: 'termination protection is on' };
  }
  if (refusal(action, instance.state) === null) return { kind: 'act' };
  // A transition in progress (or a state the cloud has yet to report) may still end in a state the action applies to.
  if (transitionalStates.has(instance.state) || instance.state === 'unknown') return { kind: 'wait' };
  return { kind: 'skip', why: `it is ${instance.state}` };
}
