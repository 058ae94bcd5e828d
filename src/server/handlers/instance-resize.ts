import { supports } from '../../clouds/driver.js';
import type { Instance } from '../../protocol/commands/compute-schemas.js';
import * as events from '../../protocol/events/compute.js';
import { invalidInput, invalidState } from '../../protocol/errors.js';
import { callCloudOrDefer } from '../compute/cloud-call.js';
import type { CommandContext } from '../context.js';
import { regionRefById } from '../queries/compute.js';
import { instanceRow, instanceView, lockInstance } from '../queries/instances.js';
import { admitGrowth } from '../quotas/admission.js';
import { resolveShape } from './shape-choice.js';
import { tenantInScope } from './scope.js';

interface Size {
  shape: string | null;
  cpu: number;
  ramMb: number;
  diskGb: number;
}

const described = (size: Pick<Size, 'shape' | 'cpu' | 'ramMb'>) =>
  `${size.shape ? `${size.shape} ` : ''}(${size.cpu} vCPU, ${size.ramMb / 1024} GB of RAM)`;

/**
 * instances.resize: a running or stopped instance to another size, seen through in the call, or,
 * where the region's agent takes long changes, started there and ended by its report
 * (src/server/agents/operations.ts).
 */
export async function resize(
  input: { tenant: string; id: string; shape?: string | undefined; cpu?: number | undefined; ramGb?: number | undefined },
  ctx: CommandContext,
): Promise<Instance> {
  const tenant = await tenantInScope(ctx, input.tenant);
  await lockInstance(ctx.db, input.id);
  const instance = await instanceRow(ctx.db, tenant.id, input.id);
  const region = await regionRefById(ctx.db, instance.regionId);
  const unsupported = () =>
    invalidInput(`${region.cloud} regions (${region.name}) do not resize instances through Maestro; run a new instance of the size you need`, { field: 'id' });
  if (!supports(await ctx.services.clouds.forRegion(region, ctx.db), 'resize')) throw unsupported();
  const name = `${instance.name} (${instance.id})`;
  if (instance.resizingTo) {
    throw invalidState(`instance ${name} is being resized to ${described(instance.resizingTo)}; resize it again once that has finished`, { state: instance.state });
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw invalidState(`cannot resize instance ${name}: it is ${instance.state}; resize a running or stopped instance`, { state: instance.state });
  }
  const wanted = await resolveShape(ctx, region, input);
  if (wanted.cpu === instance.cpu && wanted.ramMb === instance.ramMb && wanted.shape === instance.shape) {
    throw invalidInput(`instance ${name} already has ${described(instance)}; give another shape`, { field: 'shape' });
  }
  if (wanted.cpu > instance.cpu || wanted.ramMb > instance.ramMb) await admitGrowth(ctx, { tenant, region });

  const to: Size = { shape: wanted.shape, cpu: wanted.cpu, ramMb: wanted.ramMb, diskGb: instance.diskGb };
  const request = { cpu: to.cpu, ramMb: to.ramMb, diskGb: to.diskGb, shapeNativeId: null };
  const scope = { target: { id: instance.id, name: instance.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name };
  const resized = await callCloudOrDefer(ctx, region, {
    now: (cloud, target, call) => {
      if (!supports(cloud, 'resize')) throw unsupported();
      return cloud.resizeInstance(target, instance.nativeId, request, call);
    },
    started: (operationId) => ctx.emit(events.instanceResizeStarted, { id: instance.id, operationId, to }, scope),
    defer: (cloud, target, call) => cloud.deferResizeInstance(target, instance.nativeId, request, call),
  });
  if (resized) {
    await ctx.emit(events.instanceResized, { id: instance.id, shape: to.shape, cpu: resized.cpu, ramMb: resized.ramMb, diskGb: resized.diskGb }, scope);
  }
  return instanceView(ctx.db, instance.id);
}
