import { randomBytes } from 'node:crypto';
import { PartialRunError, type CloudInstance } from '../../clouds/driver.js';
import { newResourceTags, tagRulesOf } from '../../domain/tag-rules.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { AppError, invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import { callCloud } from '../compute/cloud-call.js';
import { admitRun } from '../quotas/admission.js';
import { type CommandContext, type ManagerHandlers } from '../context.js';
import { pending } from '../pending-event.js';
import type { RegionRef } from '../queries/compute.js';
import { instanceRow, instanceView, instanceViews, listInstances } from '../queries/instances.js';
import type { TenantRow } from '../queries/organisation.js';
import { act } from './instance-actions.js';
import { resize } from './instance-resize.js';
import { resolveShape } from './shape-choice.js';
import { networkOf, notOffered } from './networks.js';
import { tenantInScope, usableRegion } from './scope.js';
import type { CloudKind } from '../../protocol/clouds.js';

async function tenantClouds(ctx: CommandContext, tenantId: string): Promise<CloudKind[]> {
  const { rows } = await ctx.db.query<{ cloud: CloudKind }>(
    'SELECT DISTINCT r.cloud FROM tenant_regions tr JOIN regions r ON r.id = tr.region_id WHERE tr.tenant_id = $1',
    [tenantId],
  );
  return rows.map((row) => row.cloud);
}

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

interface ImageRef {
  id: string;
  nativeId: string;
  minDiskGb: number;
}

export async function resolveImage(ctx: CommandContext, tenant: TenantRow, region: RegionRef, image: string): Promise<ImageRef> {
  const { rows } = await ctx.db.query<ImageRef>(
    `SELECT id, native_id AS "nativeId", min_disk_gb AS "minDiskGb" FROM images
      WHERE region_id = $1 AND (tenant_id IS NULL OR tenant_id = $2) AND state = 'available' AND ${isUuid(image) ? 'id = $3::uuid' : 'name = $3'}
      ORDER BY tenant_id NULLS LAST LIMIT 1`,
    [region.id, tenant.id, image],
  );
  if (!rows[0]) throw notFound('image', image, `list the images of ${region.name} with \`maestro images describe\``);
  return rows[0];
}

async function resolveKey(ctx: CommandContext, tenant: TenantRow, keyName: string | undefined): Promise<string | null> {
  if (keyName === undefined) return null;
  const { rows } = await ctx.db.query<{ publicKey: string }>('SELECT public_key AS "publicKey" FROM ssh_keys WHERE tenant_id = $1 AND name = $2', [
    tenant.id,
    keyName,
  ]);
  if (!rows[0]) throw notFound('SSH key', keyName, 'create or import one with `maestro ssh-keys create`');
  return rows[0].publicKey;
}

function futureOrNull(ctx: CommandContext, value: string | undefined, field: string): string | null {
  if (value === undefined) return null;
  if (Date.parse(value) <= ctx.services.clock.now().getTime()) {
    throw invalidInput(`${field} is in the past; give a time in the future or leave it out`, { field });
  }
  return new Date(value).toISOString();
}

function instanceNames(count: number, name: string | undefined, tenant: string): string[] {
  const base = name ?? `${tenant.toLowerCase()}-${randomBytes(3).toString('hex')}`;
  return count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}-${i + 1}`);
}

/**
 * A run that failed part-way leaves no orphans: the instances that were created are terminated
 * again, and the error says exactly which ones, or which ones could not be removed.
 */
async function undoPartialRun(ctx: CommandContext, region: RegionRef, error: PartialRunError): Promise<never> {
  const left: string[] = [];
  for (const created of error.created) {
    try {
      await callCloud(ctx, region, (driver, target, call) => driver.instanceAction(target, created.nativeId, 'terminate', call));
    } catch {
      left.push(created.nativeId);
    }
  }
  const removed = error.created.length - left.length;
  throw new AppError(
    'unavailable',
    `${region.name}: ${error.message}; ${removed} created instance(s) were terminated again` +
      (left.length > 0 ? `, ${left.length} could not be and remain in the cloud: ${left.join(', ')} (discovery will adopt them)` : ''),
    { created: error.created.map((c) => c.nativeId), remaining: left },
  );
}

export const instances: ManagerHandlers<Managers['instances']> = {
  async run(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const { capabilities } = await ctx.services.clouds.forRegion(region, ctx.db);
    if (input.count > capabilities.maxInstancesPerRun) {
      throw invalidInput(`${region.cloud} regions run at most ${capabilities.maxInstancesPerRun} instances per call`, { field: 'count' });
    }
    const tags = newResourceTags(input.tags ?? {}, tagRulesOf(ctx.services.clouds, region.cloud), region.cloud);
    const shape = await resolveShape(ctx, region, input);
    const image = await resolveImage(ctx, tenant, region, input.image);
    const diskGb = input.diskGb ?? image.minDiskGb;
    if (diskGb < image.minDiskGb) {
      throw invalidInput(`image ${input.image} needs a disk of at least ${image.minDiskGb} GB (diskGb is ${diskGb})`, { field: 'diskGb' });
    }
    const publicKey = await resolveKey(ctx, tenant, input.keyName);
    const network = input.network === undefined ? null : await networkOf(ctx, region, input.network, tenant.id);
    if (input.securityGroups && !capabilities.optional.includes('securityGroups')) throw notOffered(region, 'securityGroups', 'securityGroups');
    const stopAfter = futureOrNull(ctx, input.stopAfter, 'stopAfter');
    const terminateAfter = futureOrNull(ctx, input.terminateAfter, 'terminateAfter');
    const held = await admitRun(ctx, { tenant, region }, { count: input.count, cpu: shape.cpu, ramMb: shape.ramMb }, { command: 'instances.run', input });
    if (held) return { instances: [], approval: held };

    let created: CloudInstance[];
    try {
      created = await callCloud(ctx, region, (driver, target, call) =>
        driver.runInstances(
          target,
          {
            names: instanceNames(input.count, input.name, tenant.name),
            cpu: shape.cpu,
            ramMb: shape.ramMb,
            diskGb,
            imageNativeId: image.nativeId,
            publicKey,
            userData: input.initScript ?? null,
            tags,
            networkNativeId: network?.nativeId ?? null,
            ...(input.securityGroups ? { securityGroups: input.securityGroups } : {}),
          },
          call,
        ),
      );
    } catch (error) {
      if (error instanceof PartialRunError) await undoPartialRun(ctx, region, error);
      throw error;
    }
    const launched = created.map((vm) => {
      const id = uuidv7();
      return pending(
        events.instanceLaunched,
        {
          id,
          tenantId: tenant.id,
          regionId: region.id,
          nativeId: vm.nativeId,
          name: vm.name,
          state: vm.state,
          shape: shape.shape,
          cpu: vm.cpu,
          ramMb: vm.ramMb,
          diskGb: vm.diskGb,
          imageId: image.id,
          keyName: input.keyName ?? null,
          ownerId: ctx.actor.userId,
          tags,
          launchedAt: vm.launchedAt,
          terminationProtection: input.terminationProtection ?? false,
          stopAfter,
          terminateAfter,
        },
        { target: { id, name: vm.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
      );
    });
    const recorded = await ctx.emitMany(launched);
    return { instances: await instanceViews(ctx.db, recorded.map((event) => event.target.id)) };
  },

  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = input.region === undefined ? undefined : await usableRegion(ctx, tenant, input.region);
    // Without a region, a tag filter follows the rule of the tenant's clouds only if they agree.
    const clouds = region ? [region.cloud] : await tenantClouds(ctx, tenant.id);
    const caseInsensitive = clouds.every((cloud) => tagRulesOf(ctx.services.clouds, cloud).tagMatching === 'case-insensitive');
    if (input.tagValue !== undefined && input.tagKey === undefined) throw invalidInput('tagValue needs tagKey', { field: 'tagValue' });
    return listInstances(ctx.db, {
      tenantId: tenant.id,
      regionId: region?.id,
      ids: input.ids,
      name: input.name,
      search: input.search,
      state: input.state,
      owner: input.owner,
      managed: input.managed,
      tag: input.tagKey === undefined ? undefined : { key: input.tagKey, value: input.tagValue, caseInsensitive },
      limit: input.limit,
      cursor: input.cursor,
    });
  },

  start: (input, ctx) => act('start', input, ctx),
  stop: (input, ctx) => act('stop', input, ctx),
  reboot: (input, ctx) => act('reboot', input, ctx),
  terminate: (input, ctx) => act('terminate', input, ctx),

  resize,

  async setTerminationProtection(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const instance = await instanceRow(ctx.db, tenant.id, input.id);
    if (instance.state === 'terminated') throw invalidState(`instance ${instance.name} is terminated`);
    if (instance.terminationProtection !== input.enabled) {
      await ctx.emit(events.instanceProtectionChanged, { id: instance.id, terminationProtection: input.enabled }, {
        target: { id: instance.id, name: instance.name },
        customerId: tenant.customerId,
        tenantId: tenant.id,
      });
    }
    return instanceView(ctx.db, instance.id);
  },
};
