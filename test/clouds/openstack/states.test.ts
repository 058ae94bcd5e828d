import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceState } from '../../../src/protocol/compute.js';
import { instanceState } from '../../../src/clouds/openstack/states.js';

// [status, vm_state, task_state] → the platform's state. Nova's own combinations, read from a
// running cloud (see the fixtures) and from nova/compute/{vm,task}_states.py.
const table: Array<[string | null, string | null, string | null, InstanceState]> = [
  // Building: the task says how far it got; vm_state says building throughout.
  ['BUILD', 'building', 'scheduling', 'pending'],
  ['BUILD', 'building', 'networking', 'pending'],
  ['BUILD', 'building', 'spawning', 'pending'],
  ['BUILD', 'building', null, 'pending'],
  ['ACTIVE', 'active', null, 'running'],
  // The task decides while there is one: an ACTIVE server powering off is stopping.
  ['ACTIVE', 'active', 'powering-off', 'stopping'],
  ['SHUTOFF', 'stopped', null, 'stopped'],
  ['SHUTOFF', 'stopped', 'powering-on', 'starting'],
  ['REBOOT', 'active', 'reboot_pending', 'rebooting'],
  ['REBOOT', 'active', 'reboot_started', 'rebooting'],
  ['HARD_REBOOT', 'active', 'rebooting_hard', 'rebooting'],
  ['RESIZE', 'active', 'resize_prep', 'pending'],
  ['RESIZE', 'active', 'resize_migrating', 'pending'],
  ['RESIZE', 'active', 'resize_finish', 'pending'],
  ['VERIFY_RESIZE', 'resized', null, 'running'],
  ['ACTIVE', 'resized', 'resize_confirming', 'pending'],
  ['REVERT_RESIZE', 'resized', 'resize_reverting', 'pending'],
  ['ACTIVE', 'active', 'deleting', 'shutting-down'],
  ['SHUTOFF', 'stopped', 'deleting', 'shutting-down'],
  ['ERROR', 'error', 'deleting', 'shutting-down'],
  ['DELETED', 'deleted', null, 'terminated'],
  ['SOFT_DELETED', 'soft-delete', null, 'terminated'],
  ['ERROR', 'error', null, 'error'],
  // Tasks that leave the server as it is fall through to vm_state.
  ['ACTIVE', 'active', 'image_snapshot', 'running'],
  ['ACTIVE', 'active', 'image_uploading', 'running'],
  ['SHUTOFF', 'stopped', 'image_pending_upload', 'stopped'],
  ['MIGRATING', 'active', 'migrating', 'running'],
  ['PASSWORD', 'active', 'updating_password', 'running'],
  ['PAUSED', 'paused', null, 'stopped'],
  ['ACTIVE', 'active', 'pausing', 'stopping'],
  ['PAUSED', 'paused', 'unpausing', 'starting'],
  ['SUSPENDED', 'suspended', null, 'stopped'],
  ['SUSPENDED', 'suspended', 'resuming', 'starting'],
  ['SHELVED_OFFLOADED', 'shelved_offloaded', null, 'stopped'],
  ['SHELVED_OFFLOADED', 'shelved_offloaded', 'unshelving', 'starting'],
  ['ACTIVE', 'active', 'shelving', 'stopping'],
  ['RESCUE', 'rescued', null, 'running'],
  ['ACTIVE', 'active', 'rescuing', 'rebooting'],
  ['REBUILD', 'active', 'rebuild_spawning', 'pending'],
  // Without vm_state (a cell that is down, a policy hiding the extended attributes): status.
  ['ACTIVE', null, null, 'running'],
  ['SHUTOFF', null, null, 'stopped'],
  ['HARD_REBOOT', null, null, 'rebooting'],
  ['UNKNOWN', null, null, 'unknown'],
  [null, null, null, 'unknown'],
  // A state this driver has never heard of is unknown, not a guess.
  ['NEW_STATUS', 'new_vm_state', 'new_task', 'unknown'],
];

describe('Nova server states in the platform vocabulary', () => {
  for (const [status, vmState, taskState, expected] of table) {
    it(`${status ?? '-'} / ${vmState ?? '-'} / ${taskState ?? '-'} is ${expected}`, () => {
      assert.equal(instanceState({ status, vmState, taskState }), expected);
    });
  }
});
