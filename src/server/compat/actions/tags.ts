import { z } from 'zod';
import { defineAction, everyPage, type Commands } from '../action.js';
import { cloudParam, m3, wireParams } from '../params.js';
import { eachResource, type Outcome } from './each-resource.js';

/**
 * Tags and resources. Instance and volume ids are unique in a tenant, so the region, cloud,
 * Google zone and Azure resource group the clients send for tags name nothing more: Maestro's
 * tag commands find the resource by id and apply its own cloud's tag rules.
 */

/**
 * Tags to set, as the clients send them: the command-line client turns `k1:v1,k2:v2` into the
 * object `{k1: v1, k2: v2}`; others send `[{key, value}]`, one `{key, value}`, or the text.
 * An object with just `key` (and `value`) is read as that one tag, not as tags named so.
 */
const tagSet = () =>
  z
    .union([
      z.array(m3.tag()),
      z.strictObject({ key: z.string().min(1), value: z.string().default('') }).transform((tag) => [tag]),
      z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]).transform(String)).transform((map) =>
        Object.entries(map).map(([key, value]) => ({ key, value })),
      ),
      // Each item of the text is non-empty, which is all a tag's text form needs.
      m3.list(50).transform((items) => items.map((text) => m3.tag().parse(text))),
    ], { error: 'must be tags: key1:value1,key2:value2, {"key1": "value1"} or [{"key": …, "value": …}]' })
    .pipe(z.array(z.object({ key: z.string(), value: z.string() })).min(1, 'give at least one tag').max(50, 'at most 50 tags'))
    .transform((pairs) => Object.fromEntries(pairs.map((tag) => [tag.key.trim(), tag.value])));

const place = { tenantName: m3.text(64), region: m3.text(64), cloud: cloudParam() };
const ignoredPlace = { availabilityZone: m3.text(64).optional(), resourceGroup: m3.text(128).optional() };

interface TagRow {
  instanceId: string | null;
  volumeId?: string;
  key: string | null;
  value: string | null;
  errorMessage: string | null;
  /** The pair again: the command-line client's describe-tags reads `tag.key` and `tag.value`. */
  tag: { key: string | null; value: string | null };
}

/** The rows the clients print for some resources' tags: one per tag, or one with the error. */
function tagRows(outcomes: Outcome<Record<string, string>>[], idField: 'instanceId' | 'volumeId'): TagRow[] {
  return outcomes.flatMap((outcome): TagRow[] => {
    const ids = idField === 'instanceId' ? { instanceId: outcome.id } : { instanceId: null, volumeId: outcome.id };
    if (!outcome.ok) return [{ ...ids, key: null, value: null, errorMessage: outcome.error.message, tag: { key: null, value: null } }];
    return Object.entries(outcome.value).map(([key, value]) => ({ ...ids, key, value, errorMessage: null, tag: { key, value } }));
  });
}

/** DESCRIBE_TAGS (describe-tags): tags.describe for each instance. */
export const describeTags = defineAction({
  action: 'DESCRIBE_TAGS',
  params: wireParams({ ...place, ...ignoredPlace, instanceId: m3.list() }),
  async run(params, { maestro }) {
    const outcomes = await eachResource(params.instanceId, 'resourceId', async (id) => {
      return (await maestro.tags.describe({ tenant: params.tenantName, resourceId: id })).tags;
    });
    return tagRows(outcomes, 'instanceId');
  },
});

/**
 * Sets tags on one resource; with overwrite, as the client's flag says, the tags given replace
 * all others: tags.set, then tags.delete of the keys that were not given.
 */
async function setTags(maestro: Commands, tenant: string, resourceId: string, tags: Record<string, string>, overwrite: boolean) {
  const set = await maestro.tags.set({ tenant, resourceId, tags });
  const others = Object.keys(set.tags).filter((key) => !Object.hasOwn(tags, key));
  if (overwrite && others.length > 0) await maestro.tags.delete({ tenant, resourceId, keys: others });
  return tags;
}

/** UPDATE_TAGS (set-tags): tags.set on each instance and volume named. */
export const setTagsAction = defineAction({
  action: 'UPDATE_TAGS',
  params: wireParams({
    ...place,
    ...ignoredPlace,
    instanceId: m3.list(),
    tags: tagSet(),
    overwrite: m3.flag().optional(),
    volumeIds: m3.list().optional(),
  }),
  async run(params, { maestro }) {
    const set = (id: string) => setTags(maestro, params.tenantName, id, params.tags, params.overwrite === true);
    return [
      ...tagRows(await eachResource(params.instanceId, 'resourceId', set), 'instanceId'),
      ...tagRows(await eachResource(params.volumeIds ?? [], 'resourceId', set), 'volumeId'),
    ];
  },
});

/** DELETE_TAGS (delete-tags): tags.delete; a key the instance does not carry fails the call, naming the keys it has. */
export const deleteTags = defineAction({
  action: 'DELETE_TAGS',
  params: wireParams({ ...place, ...ignoredPlace, instanceId: m3.text(64), tags: m3.list(50) }),
  async run(params, { maestro }) {
    const result = await maestro.tags.delete({ tenant: params.tenantName, resourceId: params.instanceId, keys: params.tags });
    return params.tags.map((key) => ({
      instanceId: params.instanceId,
      key,
      value: null,
      errorMessage: null,
      Message: `tag ${key} deleted`,
      remainingTags: result.tags,
      // As in the other tag rows: the command-line client's tag plugins read `tag.key` and `tag.value`.
      tag: { key, value: null },
    }));
  },
});

export const tagActions = [describeTags, setTagsAction, deleteTags];

/** LIST_RESOURCES (describe-resources): resources.describe in a region, by tag, or those with no tags. */
export const describeResources = defineAction({
  action: 'LIST_RESOURCES',
  params: wireParams({
    tenantName: m3.text(64),
    region: m3.text(64),
    group: m3.oneOf(['ALL', 'UNTAGGED']).optional(),
    tag: m3.tag().optional(),
  }),
  async run(params, { maestro }) {
    const untagged = params.group === 'UNTAGGED';
    // As the client documents: a tag filter has no effect on the untagged group. An empty value means any value.
    const tag = untagged || params.tag === undefined ? {} : { tagKey: params.tag.key, ...(params.tag.value !== '' ? { tagValue: params.tag.value } : {}) };
    // resources.describe pages at most 500 rows at a time.
    const resources = await everyPage((page) => maestro.resources.describe({ tenant: params.tenantName, region: params.region, ...tag, ...page, limit: 500 }));
    return resources
      .filter((r) => !untagged || Object.keys(r.tags).length === 0)
      .map((r) => ({ id: r.id, service: r.service, type: r.type, tags: r.tags, name: r.name, region: r.region, cloud: r.cloud, nativeId: r.nativeId }));
  },
});

export const resourceActions = [describeResources];
