import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { conflict, invalidState } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import { callCloud, callCloudOrDefer } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { regionRefById } from '../queries/compute.js';
import { imageView, listImages, tenantImageRow } from '../queries/images.js';
import { instanceRow } from '../queries/instances.js';
import { tenantInScope, usableRegion } from './scope.js';

/** What a capture is known to be before the cloud says: the source's OS and disk. */
async function sourceOf(ctx: CommandContext, instanceId: string): Promise<{ os: string; minDiskGb: number }> {
  const { rows } = await ctx.db.query<{ os: string | null; diskGb: number }>(
    `SELECT img.os, i.disk_gb AS "diskGb" FROM instances i LEFT JOIN images img ON img.id = i.image_id WHERE i.id = $1`,
    [instanceId],
  );
  return { os: rows[0]?.os ?? 'unknown', minDiskGb: rows[0]?.diskGb ?? 0 };
}

export const images: ManagerHandlers<Managers['images']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    return listImages(ctx.db, region.id, tenant.id, { name: input.name, ids: input.ids, search: input.search, limit: input.limit, cursor: input.cursor });
  },
  async create(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const instance = await instanceRow(ctx.db, tenant.id, input.instance);
    if (instance.state === 'terminated' || instance.state === 'shutting-down') {
      throw invalidState(`instance ${instance.name} is ${instance.state}; images are captured from live instances`);
    }
    const region = await regionRefById(ctx.db, instance.regionId);
    const { rows } = await ctx.db.query(`SELECT 1 FROM images WHERE region_id = $1 AND tenant_id = $2 AND name = $3`, [
      region.id,
      tenant.id,
      input.name,
    ]);
    if (rows.length > 0) throw conflict(`tenant ${tenant.name} already has an image named ${input.name} in ${region.name}`);
    const id = uuidv7();
    const description = input.description ?? '';
    const scope = { target: { id, name: input.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name };
    const request = { instanceNativeId: instance.nativeId, name: input.name, catalog: `tenant:${tenant.id}` };
    const image = await callCloudOrDefer(ctx, region, {
      now: (driver, target, call) => driver.createImage(target, request, call),
      started: async (operationId) =>
        ctx.emit(
          events.imageCaptureStarted,
          {
            id,
            regionId: region.id,
            tenantId: tenant.id,
            name: input.name,
            nativeId: null,
            ...(await sourceOf(ctx, instance.id)),
            description,
            sourceInstanceId: instance.id,
            ownerId: ctx.actor.userId,
            operationId,
          },
          scope,
        ),
      defer: (driver, target, call) => driver.deferCreateImage(target, request, call),
    });
    if (image) {
      await ctx.emit(
        events.imageCreated,
        {
          id,
          regionId: region.id,
          tenantId: tenant.id,
          name: image.name,
          nativeId: image.nativeId,
          os: image.os,
          minDiskGb: image.minDiskGb,
          description,
          sourceInstanceId: instance.id,
          ownerId: ctx.actor.userId,
        },
        { ...scope, target: { id, name: image.name } },
      );
    }
    return imageView(ctx.db, id);
  },
  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const image = await tenantImageRow(ctx.db, tenant.id, input.id);
    if (image.state === 'pending') {
      throw invalidState(`image ${image.name} is still being captured; delete it once it is available or has failed`);
    }
    const region = await regionRefById(ctx.db, image.regionId);
    // A failed capture left nothing in the cloud to remove.
    const { nativeId } = image;
    if (nativeId) await callCloud(ctx, region, (driver, target, call) => driver.deleteImage(target, nativeId, call));
    await ctx.emit(events.imageDeleted, { id: image.id }, {
      target: { id: image.id, name: image.name },
      customerId: tenant.customerId,
      tenantId: tenant.id,
      region: region.name,
    });
    return { ok: true as const };
  },
};
