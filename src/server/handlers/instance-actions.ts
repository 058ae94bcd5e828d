import { refusal, type InstanceAction } from '../../domain/instance-lifecycle.js';
import { firingTimeLimit, timeLimits, timeLimitStep, type TimeLimit } from '../../domain/time-limits.js';
import type { Instance } from '../../protocol/commands/compute-schemas.js';
import * as events from '../../protocol/events/compute.js';
import { instanceActionRequested } from '../../protocol/events/instance-actions.js';
import { invalidState } from '../../protocol/errors.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRefById, type RegionRef } from '../queries/compute.js';
import { instanceRow, instanceView, lockInstance, type InstanceRow } from '../queries/instances.js';
import type { TenantRow } from '../queries/organisation.js';
import { tenantInScope } from './scope.js';

/** The instance an action applies to, with where it runs and how its events are scoped. */
interface Subject {
  instance: InstanceRow;
  region: RegionRef;
  scope: EventScope & { customerId: string; tenantId: string; region: string };
}

/** Volumes outlive their instance: terminating one detaches them first, as clouds do. */
async function detachAll(ctx: CommandContext, { instance, region, scope }: Subject): Promise<void> {
  const { rows } = await ctx.db.query<{ id: string; name: string; nativeId: string; state: string }>(
    'SELECT id, name, native_id AS "nativeId", state FROM volumes WHERE instance_id = $1',
    [instance.id],
  );
  // Creating: a volume made for it through an agent, attached when done.
  const changing = rows.find((volume) => volume.state === 'attaching' || volume.state === 'detaching' || volume.state === 'creating');
  if (changing) {
    throw invalidState(
      `cannot terminate instance ${instance.name} (${instance.id}): volume ${changing.name} (${changing.id}) is ${changing.state}; terminate it once that has finished`,
      { state: instance.state, volumeId: changing.id },
    );
  }
  for (const volume of rows) {
    await callCloud(ctx, region, (driver, target, call) => driver.detachVolume(target, volume.nativeId, call));
    await ctx.emit(events.volumeDetached, { id: volume.id, instanceId: instance.id }, { ...scope, target: { id: volume.id, name: volume.name } });
  }
}

function refuseIllegal(action: InstanceAction, instance: InstanceRow): void {
  const problem = refusal(action, instance.state);
  if (problem) throw invalidState(`cannot ${action} instance ${instance.name} (${instance.id}): ${problem}`, { state: instance.state });
  if (action === 'terminate' && instance.terminationProtection) {
    throw invalidState(
      `instance ${instance.name} has termination protection; turn it off first with \`maestro instances set-termination-protection --enabled false\``,
    );
  }
}

/** Asks the cloud to start the action and records the transitional state it answers with. */
async function perform(action: InstanceAction, ctx: CommandContext, subject: Subject): Promise<void> {
  const { instance, region, scope } = subject;
  if (action === 'terminate') await detachAll(ctx, subject);
  const state = await callCloud(ctx, region, (driver, target, call) => driver.instanceAction(target, instance.nativeId, action, call));
  await ctx.emit(instanceActionRequested[action], { id: instance.id, state }, scope);
}

/**
 * Maestro acting because the instance's stopAfter or terminateAfter passed (the time-limit
 * executor). Decided again here, under the instance's lock: the limit must still be due (another
 * node may have fired it a moment ago), then the action is taken or, when the state or
 * termination protection does not allow it, skipped with the reason recorded. Either way the
 * limit is cleared, in the same transaction: it fires once.
 */
async function fireTimeLimit(limit: TimeLimit, ctx: CommandContext, subject: Subject): Promise<void> {
  const { instance } = subject;
  const at = instance[limit];
  if (at === null || Date.parse(at) > ctx.services.clock.now().getTime()) {
    throw invalidState(`instance ${instance.name} (${instance.id}) has no ${limit} that has passed; there is nothing to do`, { limit });
  }
  const step = timeLimitStep(limit, instance);
  if (step.kind === 'wait') {
    throw invalidState(`instance ${instance.name} (${instance.id}) is ${instance.state}; its ${limit} is acted on once it settles`, {
      state: instance.state,
    });
  }
  const { action, done } = timeLimits[limit];
  if (step.kind === 'act') await perform(action, ctx, subject);
  await ctx.emit(
    events.instanceTimeLimitReached,
    { id: instance.id, limit, at, outcome: step.kind === 'act' ? done : 'skipped', detail: step.kind === 'skip' ? step.why : null },
    subject.scope,
  );
}

async function subjectOf(ctx: CommandContext, tenant: TenantRow, id: string): Promise<Subject> {
  // Locked before it is read: concurrent actions on one instance (two users, two nodes firing a limit) take turns.
  await lockInstance(ctx.db, id);
  const instance = await instanceRow(ctx.db, tenant.id, id);
  const region = await regionRefById(ctx.db, instance.regionId);
  return {
    instance,
    region,
    scope: { target: { id: instance.id, name: instance.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
  };
}

/** instances.start, stop, reboot and terminate: the state machine's checks, then the cloud. */
export async function act(action: InstanceAction, input: { tenant: string; id: string }, ctx: CommandContext): Promise<Instance> {
  const tenant = await tenantInScope(ctx, input.tenant);
  const subject = await subjectOf(ctx, tenant, input.id);
  const limit = firingTimeLimit(ctx.reason, action);
  if (limit) {
    await fireTimeLimit(limit, ctx, subject);
  } else {
    refuseIllegal(action, subject.instance);
    await perform(action, ctx, subject);
  }
  return instanceView(ctx.db, subject.instance.id);
}
