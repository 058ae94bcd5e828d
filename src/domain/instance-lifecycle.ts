import type { InstanceState } from '../protocol/compute.js';

/**
 * The instance state machine. An action is legal only from the listed states; it moves the
 * instance into a transitional state at once, and the cloud reports the final state later.
 */
export const instanceActions = {
  start: { from: ['stopped'], via: 'starting', to: 'running' },
  stop: { from: ['running'], via: 'stopping', to: 'stopped' },
  reboot: { from: ['running'], via: 'rebooting', to: 'running' },
  terminate: {
    from: ['pending', 'starting', 'running', 'stopping', 'stopped', 'rebooting', 'error', 'unknown'],
    via: 'shutting-down',
    to: 'terminated',
  },
} as const satisfies Record<string, { from: readonly InstanceState[]; via: InstanceState; to: InstanceState }>;

export type InstanceAction = keyof typeof instanceActions;

export const transitionalStates: ReadonlySet<InstanceState> = new Set([
  'pending',
  'starting',
  'stopping',
  'rebooting',
  'shutting-down',
]);

/** Null when the action is legal; otherwise why not, in words a user can act on. */
export function refusal(action: InstanceAction, state: InstanceState): string | null {
  const rule = instanceActions[action];
  if ((rule.from as readonly InstanceState[]).includes(state)) return null;
  if (state === 'terminated') return `it is terminated; run a new instance instead`;
  if (transitionalStates.has(state)) return `it is ${state}; wait until it settles and try again`;
  if (rule.to === state && action !== 'reboot') return `it is already ${state}`;
  return `it is ${state}, and ${action} needs it to be ${rule.from.join(' or ')}`;
}

/** Where a transitional state settles when the cloud finishes the work. */
export function settledState(state: InstanceState): InstanceState {
  switch (state) {
    case 'pending':
    case 'starting':
    case 'rebooting':
      return 'running';
    case 'stopping':
      return 'stopped';
    case 'shutting-down':
      return 'terminated';
    default:
      return state;
  }
}
