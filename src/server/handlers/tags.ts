import { caseInsensitiveClouds, mergeTags, removeTags, tagRulesOf, type TagSet } from '../../domain/tag-rules.js';
import type { ParsedInputOf } from '../../protocol/command.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef, regionRefById, type RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { resourceFacetsOf } from '../queries/resource-facets.js';
import { orderOf } from '../queries/resource-order.js';
import { listResources, type ResourceFilter } from '../queries/resources.js';
import { lockInstance } from '../queries/instances.js';
import { findVolume } from '../queries/volumes.js';
import { tenantInScope } from './scope.js';

/** An instance or a volume, whichever the id names. */
interface Taggable {
  type: 'instance' | 'volume';
  id: string;
  name: string;
  regionId: string;
  /** Null for a volume whose creation through an agent has not finished. */
  nativeId: string | null;
  state: string;
  tags: TagSet;
}

/**
 * `forUpdate` serialises changes to one resource's tags, so concurrent ones merge in turn, none
 * lost: instances through their advisory lock (a row lock would deadlock with the state sync,
 * which updates instance rows after taking the event log's head), volumes through their row.
 */
async function taggable(ctx: CommandContext, tenant: TenantRow, id: string, forUpdate = false): Promise<Taggable> {
  if (forUpdate) await lockInstance(ctx.db, id);
  const { rows } = await ctx.db.query<Omit<Taggable, 'type'>>(
    `SELECT id, name, region_id AS "regionId", native_id AS "nativeId", state, tags FROM instances WHERE id = $1 AND tenant_id = $2`,
    [id, tenant.id],
  );
  if (rows[0]) return { type: 'instance', ...rows[0] };
  const volume = await findVolume(ctx.db, tenant.id, id, forUpdate);
  if (volume) return { type: 'volume', ...volume };
  // Another tenant's resources are reported as missing: ids of others are not to be probed.
  throw notFound('resource', id, `tags belong to instances and volumes; list those of tenant ${tenant.name} with \`maestro resources describe\``);
}

function refuseTerminated(resource: Taggable): void {
  if (resource.type === 'instance' && resource.state === 'terminated') {
    throw invalidState(`instance ${resource.name} (${resource.id}) is terminated; its tags can no longer change`, { state: resource.state });
  }
}

const scopeOf = (tenant: TenantRow, region: RegionRef, resource: Taggable): EventScope => ({
  target: { id: resource.id, name: resource.name },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region.name,
});

/** Gives the cloud an instance's new tag set (volume tags are Maestro's own record). */
async function pushToCloud(ctx: CommandContext, region: RegionRef, resource: Taggable, tags: TagSet): Promise<void> {
  const { type, nativeId } = resource;
  if (type !== 'instance' || nativeId === null) return;
  await callCloud(ctx, region, (driver, target, call) => driver.setInstanceTags(target, nativeId, tags, call));
}

export const tags: ManagerHandlers<Managers['tags']> = {
  async set(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const resource = await taggable(ctx, tenant, input.resourceId, true);
    refuseTerminated(resource);
    const region = await regionRefById(ctx.db, resource.regionId);
    const { tags, changed } = mergeTags(resource.tags, input.tags, tagRulesOf(ctx.services.clouds, region.cloud), region.cloud);
    if (Object.keys(changed).length > 0) {
      await pushToCloud(ctx, region, resource, tags);
      const definition = resource.type === 'instance' ? events.instanceTagged : events.volumeTagged;
      await ctx.emit(definition, { id: resource.id, tags, set: changed }, scopeOf(tenant, region, resource));
    }
    return { resourceId: resource.id, resourceType: resource.type, tags };
  },

  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const resource = await taggable(ctx, tenant, input.resourceId, true);
    refuseTerminated(resource);
    const region = await regionRefById(ctx.db, resource.regionId);
    const { tags, removed } = removeTags(resource.tags, input.keys, tagRulesOf(ctx.services.clouds, region.cloud));
    await pushToCloud(ctx, region, resource, tags);
    const definition = resource.type === 'instance' ? events.instanceUntagged : events.volumeUntagged;
    await ctx.emit(definition, { id: resource.id, tags, removed }, scopeOf(tenant, region, resource));
    return { resourceId: resource.id, resourceType: resource.type, tags };
  },

  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const resource = await taggable(ctx, tenant, input.resourceId);
    return { resourceId: resource.id, resourceType: resource.type, tags: resource.tags };
  },
};

/** The filters resources.describe and resources.facets share, checked and resolved to ids. */
async function resourceFilter(input: ParsedInputOf<Managers['resources']['facets']>, ctx: CommandContext): Promise<ResourceFilter> {
  const tenant = await tenantInScope(ctx, input.tenant);
  if (input.tagValue !== undefined && input.tagKey === undefined) {
    throw invalidInput('tagValue filters the values of one tag: give tagKey too', { field: 'tagValue' });
  }
  // Any existing region: a tenant may still hold resources in a region it was since deactivated in.
  const region = input.region === undefined ? undefined : await regionRef(ctx.db, input.region);
  if (region && input.cloud !== undefined && region.cloud !== input.cloud) {
    throw invalidInput(`region ${region.name} is a ${region.cloud} region, not ${input.cloud}; give one of cloud and region, or matching ones`, {
      field: 'region',
    });
  }
  return {
    tenantId: tenant.id,
    cloud: input.cloud,
    regionId: region?.id,
    type: input.type,
    state: input.state,
    name: input.name,
    tag: input.tagKey === undefined ? undefined : { key: input.tagKey, value: input.tagValue },
    caseInsensitiveClouds: caseInsensitiveClouds(ctx.services.clouds),
  };
}

export const resources: ManagerHandlers<Managers['resources']> = {
  async describe(input, ctx) {
    const order = orderOf(input.sort, input.order);
    const filter = await resourceFilter(input, ctx);
    return listResources(ctx.db, { ...filter, order, limit: input.limit, cursor: input.cursor });
  },

  async facets(input, ctx) {
    return resourceFacetsOf(ctx.db, await resourceFilter(input, ctx));
  },
};
