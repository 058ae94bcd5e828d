import type { InstanceState } from '../../protocol/compute.js';

/**
 * Nova's server state in the platform's vocabulary. Nova keeps three: `task_state` (what it is
 * doing now, null when idle), `vm_state` (where the server settles) and `status` (the two folded
 * together for API users). The task decides while there is one: an ACTIVE server that is
 * powering off is `stopping`, not `running`. Tasks that leave the server as it is (a snapshot, a
 * password change, a live migration) fall through to vm_state. `status` is the last resort, for
 * servers whose details the cloud withholds (a cell that is down answers with status only).
 */
const byTask: Record<string, InstanceState | 'as-vm-state'> = {
  scheduling: 'pending',
  block_device_mapping: 'pending',
  networking: 'pending',
  spawning: 'pending',
  rebuilding: 'pending',
  rebuild_block_device_mapping: 'pending',
  rebuild_spawning: 'pending',
  resize_prep: 'pending',
  resize_migrating: 'pending',
  resize_migrated: 'pending',
  resize_finish: 'pending',
  resize_reverting: 'pending',
  resize_confirming: 'pending',
  rebooting: 'rebooting',
  reboot_pending: 'rebooting',
  reboot_started: 'rebooting',
  rebooting_hard: 'rebooting',
  reboot_pending_hard: 'rebooting',
  reboot_started_hard: 'rebooting',
  rescuing: 'rebooting',
  unrescuing: 'rebooting',
  'powering-off': 'stopping',
  pausing: 'stopping',
  suspending: 'stopping',
  shelving: 'stopping',
  shelving_image_pending_upload: 'stopping',
  shelving_image_uploading: 'stopping',
  shelving_offloading: 'stopping',
  'powering-on': 'starting',
  unpausing: 'starting',
  resuming: 'starting',
  unshelving: 'starting',
  restoring: 'starting',
  deleting: 'shutting-down',
  'soft-deleting': 'shutting-down',
  image_snapshot: 'as-vm-state',
  image_snapshot_pending: 'as-vm-state',
  image_pending_upload: 'as-vm-state',
  image_uploading: 'as-vm-state',
  image_backup: 'as-vm-state',
  updating_password: 'as-vm-state',
  migrating: 'as-vm-state',
};

const byVmState: Record<string, InstanceState> = {
  building: 'pending',
  active: 'running',
  // Awaiting confirmation of a resize: it runs, on the new shape.
  resized: 'running',
  rescued: 'running',
  stopped: 'stopped',
  paused: 'stopped',
  suspended: 'stopped',
  shelved: 'stopped',
  shelved_offloaded: 'stopped',
  'soft-delete': 'terminated',
  deleted: 'terminated',
  error: 'error',
};

const byStatus: Record<string, InstanceState> = {
  BUILD: 'pending',
  ACTIVE: 'running',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  RESCUE: 'running',
  REBUILD: 'pending',
  RESIZE: 'pending',
  VERIFY_RESIZE: 'running',
  REVERT_RESIZE: 'pending',
  MIGRATING: 'running',
  PASSWORD: 'running',
  SHUTOFF: 'stopped',
  PAUSED: 'stopped',
  SUSPENDED: 'stopped',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  SOFT_DELETED: 'terminated',
  DELETED: 'terminated',
  ERROR: 'error',
  UNKNOWN: 'unknown',
};

export interface NovaServerState {
  status: string | null;
  vmState: string | null;
  taskState: string | null;
}

export function instanceState({ status, vmState, taskState }: NovaServerState): InstanceState {
  const task = taskState ? byTask[taskState] : undefined;
  if (task && task !== 'as-vm-state') return task;
  const vm = vmState ? byVmState[vmState] : undefined;
  if (vm) return vm;
  return (status ? byStatus[status.toUpperCase()] : undefined) ?? 'unknown';
}
