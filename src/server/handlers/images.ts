import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { conflict, invalidState } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import { callCloud } from '../compute/cloud-call.js';
import type { ManagerHandlers } from '../context.js';
import { regionRefById } from '../queries/compute.js';
import { imageView, listImages, tenantImageRow } from '../queries/images.js';
import { instanceRow } from '../queries/instances.js';
import { tenantInScope, usableRegion } from './scope.js';

export const images: ManagerHandlers<Managers['images']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    return { items: await listImages(ctx.db, region.id, tenant.id, input.name) };
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
    const image = await callCloud(ctx, region, (driver, target, call) =>
      driver.createImage(target, { instanceNativeId: instance.nativeId, name: input.name, catalog: `tenant:${tenant.id}` }, call),
    );
    const id = uuidv7();
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
        sourceInstanceId: instance.id,
        ownerId: ctx.actor.userId,
      },
      { target: { id, name: image.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
    );
    return imageView(ctx.db, id);
  },
  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const image = await tenantImageRow(ctx.db, tenant.id, input.id);
    const region = await regionRefById(ctx.db, image.regionId);
    await callCloud(ctx, region, (driver, target, call) => driver.deleteImage(target, image.nativeId, call));
    await ctx.emit(events.imageDeleted, { id: image.id }, {
      target: { id: image.id, name: image.name },
      customerId: tenant.customerId,
      tenantId: tenant.id,
      region: region.name,
    });
    return { ok: true as const };
  },
};
