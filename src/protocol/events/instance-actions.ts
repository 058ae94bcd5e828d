import { instanceRebootRequested, instanceStartRequested, instanceStopRequested, instanceTerminateRequested } from './compute.js';

// Kept out of compute.ts, whose every export is an event definition the log may hold.
/** The event that records each instance action a user (or a schedule) asked for. */
export const instanceActionRequested = {
  start: instanceStartRequested,
  stop: instanceStopRequested,
  reboot: instanceRebootRequested,
  terminate: instanceTerminateRequested,
} as const;
