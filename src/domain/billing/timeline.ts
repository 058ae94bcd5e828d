import type { BilledState } from '../../protocol/billing.js';
import type { InstanceState } from '../../protocol/compute.js';

/**
 * One stretch of time a resource spent in one billed state; `to` is null while it lasts. `size`
 * is what a resized instance was during a stretch before its resize; absent, the timeline's own
 * (current) size applies.
 */
export interface Segment {
  state: BilledState;
  from: string;
  to: string | null;
  size?: SegmentSize;
}

/** The sizes that price an instance. */
export interface SegmentSize {
  cpu?: number;
  ramMb?: number;
  diskGb?: number;
  shape?: string | null;
}

/**
 * What an instance state costs (seed §3.4.2): a running instance is billed at its running rate
 * until it has stopped; a stopped one at its stopped (storage) rate until it runs again. Pending
 * instances are not billed yet; terminated, failed and unknown ones no more.
 */
export function billedInstanceState(state: InstanceState): BilledState | null {
  switch (state) {
    case 'running':
    case 'rebooting':
    case 'stopping':
    case 'shutting-down':
      return 'running';
    case 'stopped':
    case 'starting':
      return 'stopped';
    default:
      return null;
  }
}

/** The segments after the resource entered `state` (null: stopped being billed) at `at`. */
export function enter(segments: readonly Segment[], state: BilledState | null, at: string): Segment[] {
  const current = segments.at(-1);
  if (current && current.to === null && current.state === state) return [...segments];
  const closed = segments.map((segment) => (segment.to === null ? { ...segment, to: at } : segment));
  return state === null ? closed : [...closed, { state, from: at, to: null }];
}

export const isOpen = (segments: readonly Segment[]) => segments.at(-1)?.to === null;

/**
 * The segments after a resource that was `before` got another size at `at`: the time until then
 * keeps the old size, and the current stretch goes on, in the same state, at the new one.
 */
export function resize(segments: readonly Segment[], before: SegmentSize, at: string): Segment[] {
  const sized = segments.map((segment) => (segment.size ? segment : { ...segment, size: before }));
  const current = sized.at(-1);
  if (!current || current.to !== null) return sized;
  return [...sized.slice(0, -1), { ...current, to: at }, { state: current.state, from: at, to: null }];
}
