import { newResourceTags, tagRulesOf } from '../../domain/tag-rules.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { invalidInput, invalidState } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Driver, RegionTarget, TrackedCall } from '../../clouds/driver.js';
import { createAttachedVolume } from '../../clouds/attached-volume.js';
import { callCloud, callCloudOrDefer } from '../compute/cloud-call.js';
import { admitVolume } from '../quotas/admission.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef, regionRefById, type RegionRef } from '../queries/compute.js';
import { instanceRow, type InstanceRow } from '../queries/instances.js';
import type { TenantRow } from '../queries/organisation.js';
import { listVolumes, volumeRow, volumeView, type VolumeRow } from '../queries/volumes.js';
import { tenantInScope, usableRegion } from './scope.js';

const scopeOf = (tenant: TenantRow, region: RegionRef, volume: { id: string; name: string }): EventScope => ({
  target: { id: volume.id, name: volume.name },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region.name,
});

/** An instance a volume of `region` may be attached to: the tenant's own, in that region, alive. */
async function attachableInstance(ctx: CommandContext, tenant: TenantRow, region: RegionRef, id: string): Promise<InstanceRow> {
  const instance = await instanceRow(ctx.db, tenant.id, id);
  if (instance.regionId !== region.id) {
    const elsewhere = await regionRefById(ctx.db, instance.regionId);
    throw invalidInput(
      `instance ${instance.name} (${instance.id}) is in region ${elsewhere.name} and the volume in ${region.name}; ` +
        `a volume attaches only to instances of its own region`,
      { field: 'instance' },
    );
  }
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    throw invalidState(`instance ${instance.name} (${instance.id}) is ${instance.state}; attach the volume to a live instance`, {
      state: instance.state,
    });
  }
  return instance;
}

/** The cloud's id of a volume Maestro acts on; one still being created (or whose creation failed) has none. */
function cloudIdOf(volume: Pick<VolumeRow, 'id' | 'name' | 'nativeId' | 'state'>): string {
  if (volume.nativeId === null) {
    throw invalidState(`volume ${volume.name} (${volume.id}) is ${volume.state}: it does not exist in the cloud yet`, { state: volume.state });
  }
  return volume.nativeId;
}

/**
 * Attaches in the call, or, where the region's agent takes long changes, records the volume
 * attaching and hands the attach to the agent, whose report ends it (docs/agent.md).
 */
async function attach(
  ctx: CommandContext,
  tenant: TenantRow,
  region: RegionRef,
  volume: Pick<VolumeRow, 'id' | 'name' | 'nativeId' | 'state'>,
  instance: InstanceRow,
): Promise<void> {
  const nativeId = cloudIdOf(volume);
  const scope = scopeOf(tenant, region, volume);
  const done = await callCloudOrDefer(ctx, region, {
    now: (driver, target, call) => driver.attachVolume(target, nativeId, instance.nativeId, call).then(() => true),
    started: (operationId) => ctx.emit(events.volumeAttachStarted, { id: volume.id, instanceId: instance.id, operationId }, scope),
    defer: (driver, target, call) => driver.deferAttachVolume(target, nativeId, instance.nativeId, call),
  });
  if (done) await ctx.emit(events.volumeAttached, { id: volume.id, instanceId: instance.id }, scope);
}

/** Refuses to act on a volume whose attach or detach an agent has not reported finished yet. */
function refuseWhileChanging(volume: VolumeRow, action: string): void {
  if (volume.state === 'attaching' || volume.state === 'detaching') {
    throw invalidState(`volume ${volume.name} (${volume.id}) is ${volume.state}; ${action} it once that has finished`, { state: volume.state });
  }
}

/** The instance a volume is attached to, named for messages ("web-1 (id)"). */
async function attachedToName(ctx: CommandContext, volume: VolumeRow): Promise<string> {
  const { rows } = await ctx.db.query<{ name: string }>('SELECT name FROM instances WHERE id = $1', [volume.instanceId]);
  return rows[0] ? `${rows[0].name} (${volume.instanceId})` : `${volume.instanceId}`;
}

export const volumes: ManagerHandlers<Managers['volumes']> = {
  async create(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const { capabilities } = await ctx.services.clouds.forRegion(region, ctx.db);
    if (!capabilities.volumes) {
      throw invalidInput(`${region.cloud} regions (${region.name}) do not offer volumes through Maestro; choose a region of another cloud`, {
        field: 'region',
      });
    }
    const tags = newResourceTags(input.tags ?? {}, tagRulesOf(ctx.services.clouds, region.cloud), region.cloud);
    // Checked before anything is created, so a bad instance leaves no volume behind.
    const instance = input.instance === undefined ? null : await attachableInstance(ctx, tenant, region, input.instance);
    await admitVolume(ctx, { tenant, region }, input.sizeGb);

    const id = uuidv7();
    const scope = scopeOf(tenant, region, { id, name: input.name });
    const fields = { id, tenantId: tenant.id, regionId: region.id, name: input.name, ownerId: ctx.actor.userId, tags };
    const request = { name: input.name, sizeGb: input.sizeGb };
    // A create for an instance is one change (created and attached, or nothing left behind): seen
    // through in the call, or through an agent the agent's, whose report ends it (docs/agent.md).
    const created = await callCloudOrDefer(ctx, region, {
      now: (driver: Driver, target: RegionTarget, call: TrackedCall) =>
        instance ? createAttachedVolume(driver, target, request, instance.nativeId, call) : driver.createVolume(target, request, call),
      started: (operationId) =>
        ctx.emit(events.volumeCreationStarted, { ...fields, nativeId: null, sizeGb: input.sizeGb, operationId, instanceId: instance?.id ?? null }, scope),
      defer: (driver, target, call) =>
        instance ? driver.deferCreateAttachedVolume(target, request, instance.nativeId, call) : driver.deferCreateVolume(target, request, call),
    });
    if (!created) return volumeView(ctx.db, id);
    await ctx.emit(events.volumeCreated, { ...fields, nativeId: created.nativeId, sizeGb: created.sizeGb }, scope);
    if (instance) await ctx.emit(events.volumeAttached, { id, instanceId: instance.id }, scope);
    return volumeView(ctx.db, id);
  },

  async attach(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const volume = await volumeRow(ctx.db, tenant.id, input.id, true);
    refuseWhileChanging(volume, 'attach');
    if (volume.state === 'in-use') {
      const attachedTo = await attachedToName(ctx, volume);
      throw invalidState(
        volume.instanceId === input.instance
          ? `volume ${volume.name} (${volume.id}) is already attached to instance ${attachedTo}`
          : `volume ${volume.name} (${volume.id}) is attached to instance ${attachedTo}; detach it first, then attach it elsewhere`,
        { state: volume.state, instanceId: volume.instanceId },
      );
    }
    if (volume.state !== 'available') {
      throw invalidState(`volume ${volume.name} (${volume.id}) is ${volume.state}; only available volumes can be attached`, {
        state: volume.state,
      });
    }
    const region = await regionRefById(ctx.db, volume.regionId);
    const instance = await attachableInstance(ctx, tenant, region, input.instance);
    await attach(ctx, tenant, region, volume, instance);
    return volumeView(ctx.db, volume.id);
  },

  async detach(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const volume = await volumeRow(ctx.db, tenant.id, input.id, true);
    refuseWhileChanging(volume, 'detach');
    if (volume.state !== 'in-use' || volume.instanceId === null) {
      throw invalidState(`volume ${volume.name} (${volume.id}) is ${volume.state} and not attached to any instance; there is nothing to detach`, {
        state: volume.state,
      });
    }
    // Whatever state the instance is in: detaching from a dead instance is how its data is saved.
    const region = await regionRefById(ctx.db, volume.regionId);
    const nativeId = cloudIdOf(volume);
    const { instanceId } = volume;
    const scope = scopeOf(tenant, region, volume);
    const done = await callCloudOrDefer(ctx, region, {
      now: (driver, target, call) => driver.detachVolume(target, nativeId, call).then(() => true),
      started: (operationId) => ctx.emit(events.volumeDetachStarted, { id: volume.id, instanceId, operationId }, scope),
      defer: (driver, target, call) => driver.deferDetachVolume(target, nativeId, call),
    });
    if (done) await ctx.emit(events.volumeDetached, { id: volume.id, instanceId }, scope);
    return volumeView(ctx.db, volume.id);
  },

  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const volume = await volumeRow(ctx.db, tenant.id, input.id, true);
    refuseWhileChanging(volume, 'delete');
    if (volume.state === 'in-use') {
      throw invalidState(
        `volume ${volume.name} (${volume.id}) is attached to instance ${await attachedToName(ctx, volume)}; detach it first`,
        { state: volume.state, instanceId: volume.instanceId },
      );
    }
    if (volume.state === 'creating') {
      throw invalidState(`volume ${volume.name} (${volume.id}) is still being created; delete it once it is available or has failed`, { state: volume.state });
    }
    const region = await regionRefById(ctx.db, volume.regionId);
    // A failed creation left nothing in the cloud to remove.
    const { nativeId } = volume;
    if (nativeId) await callCloud(ctx, region, (driver, target, call) => driver.deleteVolume(target, nativeId, call));
    await ctx.emit(events.volumeDeleted, { id: volume.id }, scopeOf(tenant, region, volume));
    return { ok: true as const };
  },

  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    // Any existing region: a tenant may still hold volumes in a region it was since deactivated in.
    const region = input.region === undefined ? undefined : await regionRef(ctx.db, input.region);
    return listVolumes(ctx.db, {
      tenantId: tenant.id,
      regionId: region?.id,
      instanceId: input.instance,
      ids: input.ids,
      limit: input.limit,
      cursor: input.cursor,
    });
  },
};
