import type { z } from 'zod';
import type { CloudKind } from '../../protocol/clouds.js';
import type { resourceFacets } from '../../protocol/commands/tags.js';
import type { Queryable } from '../../store/database.js';
import { resourceSource, type ResourceFilter, type ResourceType } from './resource-source.js';

export type ResourceFacets = z.infer<typeof resourceFacets>;

/** The most frequent values listed per tag key, and keys per type: the answer stays small however many resources there are. */
export const VALUES_PER_KEY = 50;
export const KEYS_PER_TYPE = 100;

/**
 * The Management page's filter panel. Each dimension is counted under the filters other than its
 * own, so every count is what resources.describe returns when that entry is added to the filters:
 * a region's count ignores the cloud and region filters, a type's the type filter, a tag key's or
 * value's (within its type) the tag filter.
 */
export async function resourceFacetsOf(db: Queryable, filter: ResourceFilter): Promise<ResourceFacets> {
  const [places, tags] = await Promise.all([placeCounts(db, filter), tagCounts(db, filter)]);
  return {
    clouds: cloudsOf(places, filter),
    types: typesOf(places, filter).map(({ type, count }) => {
      const keys = tags.get(type) ?? [];
      return { type, count, tags: keys.slice(0, KEYS_PER_TYPE), more: keys.length > KEYS_PER_TYPE };
    }),
  };
}

/** How many resources of a type one region holds, under the filters other than cloud, region and type. */
interface PlaceCount {
  cloud: CloudKind;
  regionId: string;
  region: string;
  type: ResourceType;
  count: number;
}

/**
 * One scan serves both the clouds and the types: cloud, region and type are columns of the
 * grouping, so each side applies the other's filters to the groups instead of scanning again.
 */
async function placeCounts(db: Queryable, filter: ResourceFilter): Promise<PlaceCount[]> {
  const params: unknown[] = [];
  const source = resourceSource(filter, params, ['cloud', 'region', 'type']);
  const { rows } = await db.query<PlaceCount>(
    `SELECT x.cloud, x.region_id AS "regionId", x.region, x.type, count(*)::int AS count
       FROM (${source}) x
      GROUP BY x.cloud, x.region_id, x.region, x.type ORDER BY x.cloud, x.region, x.type`,
    params,
  );
  return rows;
}

function cloudsOf(places: PlaceCount[], filter: ResourceFilter): ResourceFacets['clouds'] {
  const clouds = new Map<CloudKind, ResourceFacets['clouds'][number]>();
  for (const place of places) {
    if (filter.type !== undefined && place.type !== filter.type) continue;
    const cloud = clouds.get(place.cloud) ?? { cloud: place.cloud, count: 0, regions: [] };
    clouds.set(place.cloud, cloud);
    cloud.count += place.count;
    const region = cloud.regions.find((r) => r.name === place.region);
    if (region) region.count += place.count;
    else cloud.regions.push({ name: place.region, count: place.count });
  }
  return [...clouds.values()];
}

function typesOf(places: PlaceCount[], filter: ResourceFilter): { type: ResourceType; count: number }[] {
  const types = new Map<ResourceType, number>();
  for (const place of places) {
    if (filter.cloud !== undefined && place.cloud !== filter.cloud) continue;
    if (filter.regionId !== undefined && place.regionId !== filter.regionId) continue;
    types.set(place.type, (types.get(place.type) ?? 0) + place.count);
  }
  return [...types].map(([type, count]) => ({ type, count })).sort((a, b) => (a.type < b.type ? -1 : 1));
}

/** A tag key and value's count as the database groups them: by their spelling, per type and rule. */
interface TagRow {
  type: ResourceType;
  folded: boolean;
  key: string;
  value: string;
  count: number;
  keyCount: number;
  valueCount: number;
}

/** One key under one rule: a spelling on exact clouds, or every spelling of one lower-cased form on the others. */
interface KeyGroup {
  /** The key as compared (lower-cased when folded) and as shown (its most frequent spelling). */
  k: string;
  key: string;
  count: number;
  distinct: number;
  /** By value as compared; each with its most frequent spelling. */
  values: Map<string, { value: string; count: number }>;
}

type KeyFacet = ResourceFacets['types'][number]['tags'][number];

/**
 * Tag keys and values per type. The database counts each spelling and keeps the most frequent
 * values of each key (lower-casing every pair in SQL cost a third more); here spellings are
 * folded on the clouds that ignore case, and the two rules meet: a key's count is that of its
 * exact spelling plus that of its lower-cased form on clouds that ignore case, as the tag filter
 * matches them. A value's count is exact unless one of its spellings falls outside the most
 * frequent values of its own spelling of the key.
 */
async function tagCounts(db: Queryable, filter: ResourceFilter): Promise<Map<ResourceType, KeyFacet[]>> {
  const params: unknown[] = [];
  const source = resourceSource(filter, params, ['tag', 'type']);
  params.push(filter.caseInsensitiveClouds);
  const folded = `$${params.length}::text[]`;
  params.push(VALUES_PER_KEY + 1);
  const { rows } = await db.query<TagRow>(
    `WITH groups AS (
       SELECT s.type, s.folded, e.key, e.value, count(*)::int AS count
         FROM (SELECT x.type, x.cloud = ANY(${folded}) AS folded, x.tags FROM (${source}) x WHERE x.tags <> '{}'::jsonb) s
        CROSS JOIN LATERAL jsonb_each_text(s.tags) e
        GROUP BY 1, 2, 3, 4
     ), ranked AS (
       SELECT groups.*,
              row_number() OVER (PARTITION BY type, folded, key ORDER BY count DESC, value) AS rank,
              sum(count) OVER (PARTITION BY type, folded, key)::int AS "keyCount",
              count(*) OVER (PARTITION BY type, folded, key)::int AS "valueCount"
         FROM groups
     )
     SELECT type, folded, key, value, count, "keyCount", "valueCount" FROM ranked WHERE rank <= $${params.length}`,
    params,
  );
  const byType = new Map<ResourceType, { exact: Map<string, KeyGroup>; folded: Map<string, KeyGroup> }>();
  const spellings = new Map<KeyGroup, Map<string, number>>();
  for (const row of rows) {
    const sides = byType.get(row.type) ?? { exact: new Map(), folded: new Map() };
    byType.set(row.type, sides);
    const side = row.folded ? sides.folded : sides.exact;
    const k = row.folded ? row.key.toLowerCase() : row.key;
    let group = side.get(k);
    if (!group) {
      group = { k, key: row.key, count: 0, distinct: 0, values: new Map() };
      side.set(k, group);
      spellings.set(group, new Map());
    }
    // Each spelling's totals arrive on every one of its rows; count them once.
    const seen = spellings.get(group)!;
    if (!seen.has(row.key)) {
      seen.set(row.key, row.keyCount);
      group.count += row.keyCount;
      group.distinct = Math.max(group.distinct, row.valueCount);
      if (row.keyCount > (seen.get(group.key) ?? 0) || seen.size === 1) group.key = row.key;
    }
    const v = row.folded ? row.value.toLowerCase() : row.value;
    const value = group.values.get(v);
    if (!value) group.values.set(v, { value: row.value, count: row.count });
    else {
      if (row.count > value.count) value.value = row.value;
      value.count += row.count;
    }
  }
  return new Map([...byType].map(([type, sides]) => [type, mergeRules(sides.exact, sides.folded)]));
}

const byCountThenName = <T>(name: (item: T) => string, count: (item: T) => number) => (a: T, b: T) =>
  count(b) - count(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

/** One type's keys as facets: exact spellings absorb the lower-cased groups they match; the rest stand alone. */
function mergeRules(exact: Map<string, KeyGroup>, folded: Map<string, KeyGroup>): KeyFacet[] {
  const facets: KeyFacet[] = [];
  const covered = new Set<string>();
  for (const group of exact.values()) {
    const alike = folded.get(group.k.toLowerCase());
    if (alike) covered.add(alike.k);
    facets.push(keyFacet(group, alike));
  }
  for (const group of folded.values()) if (!covered.has(group.k)) facets.push(keyFacet(undefined, group));
  return facets.sort(byCountThenName((f) => f.key, (f) => f.count));
}

function keyFacet(exact: KeyGroup | undefined, folded: KeyGroup | undefined): KeyFacet {
  const values = new Map<string, number>();
  const coveredValues = new Set<string>();
  for (const { value, count } of exact?.values.values() ?? []) {
    const alike = folded?.values.get(value.toLowerCase());
    if (alike) coveredValues.add(value.toLowerCase());
    values.set(value, count + (alike?.count ?? 0));
  }
  for (const [v, { value, count }] of folded?.values ?? []) if (!coveredValues.has(v)) values.set(value, count);
  const listed = [...values].map(([value, count]) => ({ value, count })).sort(byCountThenName((v) => v.value, (v) => v.count));
  const distinct = Math.max(exact?.distinct ?? 0, folded?.distinct ?? 0, listed.length);
  return {
    key: exact?.key ?? folded!.key,
    count: (exact?.count ?? 0) + (folded?.count ?? 0),
    values: listed.slice(0, VALUES_PER_KEY),
    more: distinct > VALUES_PER_KEY,
  };
}
