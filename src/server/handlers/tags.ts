import { MAX_TAGS, tagProblems } from '../../domain/tag-rules.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/compute.js';
import { invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef, regionRefById, type RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';
import { caseInsensitiveClouds, listResources, tagRulesOf, type TagRules } from '../queries/resources.js';
import { findVolume } from '../queries/volumes.js';
import { tenantInScope } from './scope.js';

type TagSet = Record<string, string>;

/** An instance or a volume, whichever the id names. */
interface Taggable {
  type: 'instance' | 'volume';
  id: string;
  name: string;
  regionId: string;
  nativeId: string;
  state: string;
  tags: TagSet;
}

/** `forUpdate` locks the row, so concurrent changes to one resource's tags merge in turn, none lost. */
async function taggable(ctx: CommandContext, tenant: TenantRow, id: string, forUpdate = false): Promise<Taggable> {
  const { rows } = await ctx.db.query<Omit<Taggable, 'type'>>(
    `SELECT id, name, region_id AS "regionId", native_id AS "nativeId", state, tags FROM instances WHERE id = $1 AND tenant_id = $2
     ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, tenant.id],
  );
  if (rows[0]) return { type: 'instance', ...rows[0] };
  const volume = await findVolume(ctx.db, tenant.id, id, forUpdate);
  if (volume) return { type: 'volume', ...volume };
  // Another tenant's resources are reported as missing: ids of others are not to be probed.
  throw notFound('resource', id, `tags belong to instances and volumes; list those of tenant ${tenant.name} with \`maestro resources describe\``);
}

/** The key already on the resource that `key` names under the cloud's rules, if any. */
function sameKey(tags: TagSet, key: string, rules: TagRules): string | undefined {
  if (Object.hasOwn(tags, key)) return key;
  if (rules.tagMatching === 'case-sensitive') return undefined;
  const folded = key.toLowerCase();
  return Object.keys(tags).find((existing) => existing.toLowerCase() === folded);
}

export interface TagMerge {
  /** The resource's whole new tag set. */
  tags: TagSet;
  /** The tags that are new or whose value (or, on case-insensitive clouds, spelling) changed. */
  changed: TagSet;
}

/**
 * Merges requested tags into a resource's tags under its cloud's rules: reserved key prefixes are
 * refused, at most MAX_TAGS remain, and on clouds that compare tag names case-insensitively a key
 * replaces the existing one it equals ('env' replaces 'Env'), so the two never coexist.
 */
export function mergeTags(existing: TagSet, requested: TagSet, rules: TagRules, cloud: string): TagMerge {
  const problems = tagProblems(requested, rules.reservedTagPrefixes, cloud);
  if (problems.length > 0) throw invalidInput(`${problems.join('; ')}; choose other tag keys`, { field: 'tags' });
  if (rules.tagMatching === 'case-insensitive') {
    const seen = new Map<string, string>();
    for (const key of Object.keys(requested)) {
      const other = seen.get(key.toLowerCase());
      if (other !== undefined) {
        throw invalidInput(`tag keys '${other}' and '${key}' are the same key in ${cloud}, which ignores case in tag names; give one of them`, {
          field: 'tags',
        });
      }
      seen.set(key.toLowerCase(), key);
    }
  }
  // Maps, not object assignment: a key such as '__proto__' must stay an ordinary tag.
  const merged = new Map(Object.entries(existing));
  const changed = new Map<string, string>();
  for (const [key, value] of Object.entries(requested)) {
    const current = sameKey(existing, key, rules);
    if (current === key && existing[key] === value) continue;
    if (current !== undefined) merged.delete(current);
    merged.set(key, value);
    changed.set(key, value);
  }
  const count = merged.size;
  if (count > MAX_TAGS) {
    throw invalidInput(
      `a resource carries at most ${MAX_TAGS} tags and this would give it ${count} (${Object.keys(existing).length} already there); ` +
        'remove some with `maestro tags delete` first',
      { field: 'tags', count },
    );
  }
  return { tags: Object.fromEntries(merged), changed: Object.fromEntries(changed) };
}

/** Removes tags by key (matched as the cloud matches tag names); every key must be there. */
export function removeTags(existing: TagSet, keys: readonly string[], rules: TagRules): { tags: TagSet; removed: string[] } {
  const removed = new Set<string>();
  const missing: string[] = [];
  for (const key of keys) {
    const current = sameKey(existing, key, rules);
    if (current === undefined) missing.push(key);
    else removed.add(current);
  }
  if (missing.length > 0) {
    const present = Object.keys(existing).sort();
    throw invalidInput(
      `the resource has no tag ${missing.map((k) => `'${k}'`).join(', ')}; ` +
        (present.length > 0 ? `its tag keys are ${present.map((k) => `'${k}'`).join(', ')}` : 'it has no tags at all'),
      { field: 'keys', missing, existing: present },
    );
  }
  const tags = Object.fromEntries(Object.entries(existing).filter(([key]) => !removed.has(key)));
  return { tags, removed: [...removed] };
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
  if (resource.type !== 'instance') return;
  await callCloud(ctx, region, (driver, target, call) => driver.setInstanceTags(target, resource.nativeId, tags, call));
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

export const resources: ManagerHandlers<Managers['resources']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    if (input.tagValue !== undefined && input.tagKey === undefined) {
      throw invalidInput('tagValue filters the values of one tag: give tagKey too', { field: 'tagValue' });
    }
    // Any existing region: a tenant may still hold resources in a region it was since deactivated in.
    const region = input.region === undefined ? undefined : await regionRef(ctx.db, input.region);
    return listResources(ctx.db, {
      tenantId: tenant.id,
      regionId: region?.id,
      type: input.type,
      tag: input.tagKey === undefined ? undefined : { key: input.tagKey, value: input.tagValue },
      caseInsensitiveClouds: caseInsensitiveClouds(ctx.services.clouds),
      limit: input.limit,
      cursor: input.cursor,
    });
  },
};
