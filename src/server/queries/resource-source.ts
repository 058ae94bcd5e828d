import type { CloudKind } from '../../protocol/clouds.js';
import { tagMatchCondition } from './tag-match.js';

export type ResourceType = 'instance' | 'volume' | 'image';

/** The filters of the Management page; each is optional and they combine. */
export interface ResourceFilter {
  tenantId: string;
  cloud?: CloudKind | undefined;
  regionId?: string | undefined;
  type?: ResourceType | undefined;
  state?: string | undefined;
  /** Part of the name, compared case-insensitively. */
  name?: string | undefined;
  tag?: { key: string; value?: string | undefined } | undefined;
  /** Clouds whose resources match tag names case-insensitively; the others match exactly. */
  caseInsensitiveClouds: readonly CloudKind[];
}

/** A filter a facet leaves out when it counts its own dimension (a region's count ignores the region filter). */
export type FilterName = 'cloud' | 'region' | 'type' | 'tag';

/** A LIKE pattern that finds `text` anywhere, its wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The rows of a tenant's resources: `from` joins them to their region, `where` holds the conditions outside the union. */
export interface ResourceSource {
  from: string;
  where: string[];
}

/** `FROM … WHERE …` of a source, with conditions of the caller's own (a cursor's position) added. */
export function sourceSql(source: ResourceSource, extra: readonly string[] = []): string {
  const where = [...source.where, ...extra];
  return `${source.from}${where.length > 0 ? `\n      WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * The rows of everything a tenant has, as rows `x` joined to their region `r`: live
 * instances, volumes, and the images of its private catalog (which carry no tags). The rows have
 * id, type, name, region_id, native_id, state, owner_id, created_at, shape, tags and tags_folded.
 * The tenant, state and name conditions are written inside each branch of the union so that each
 * table's indexes serve them; the tag filter applies each resource's own cloud's rule: exact on
 * `tags`, or on `tags_folded` (keys and values lower-cased) for clouds that compare
 * case-insensitively. Values are appended to `params`, whose first must be free for the tenant.
 */
export function resourceSource(filter: ResourceFilter, params: unknown[], leaveOut: readonly FilterName[] = []): ResourceSource {
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const tenant = bind(filter.tenantId);
  // The same conditions, in each table's own columns.
  const branch = (alias: string) => {
    const conditions: string[] = [];
    if (filter.state !== undefined) conditions.push(`${alias}.state = ${state}`);
    if (filter.name !== undefined) conditions.push(`${alias}.name ILIKE ${name}`);
    if (filter.regionId !== undefined && !leaveOut.includes('region')) conditions.push(`${alias}.region_id = ${region}::uuid`);
    return conditions.map((c) => ` AND ${c}`).join('');
  };
  const state = filter.state === undefined ? '' : bind(filter.state);
  const name = filter.name === undefined ? '' : bind(containing(filter.name));
  const region = filter.regionId === undefined ? '' : bind(filter.regionId);
  const where: string[] = [];
  if (filter.cloud !== undefined && !leaveOut.includes('cloud')) where.push(`r.cloud = ${bind(filter.cloud)}`);
  if (filter.type !== undefined && !leaveOut.includes('type')) where.push(`x.type = ${bind(filter.type)}`);
  if (filter.tag && !leaveOut.includes('tag')) {
    const folded = `r.cloud = ANY(${bind(filter.caseInsensitiveClouds)}::text[])`;
    // The rule depends on the joined region; the condition reaches the GIN indexes inside the union.
    where.push(tagMatchCondition('x', folded, filter.tag, params));
  }
  const from = `FROM (
         SELECT i.id, 'instance' AS type, i.name, i.region_id, i.native_id, i.state, i.owner_id, i.created_at, i.shape, i.tags, i.tags_folded
           FROM instances i WHERE i.tenant_id = ${tenant} AND i.state <> 'terminated'${branch('i')}
         UNION ALL
         SELECT v.id, 'volume', v.name, v.region_id, v.native_id, v.state, v.owner_id, v.created_at, NULL, v.tags, v.tags_folded
           FROM volumes v WHERE v.tenant_id = ${tenant}${branch('v')}
         UNION ALL
         SELECT g.id, 'image', g.name, g.region_id, g.native_id, g.state, g.owner_id, g.created_at, NULL, '{}'::jsonb, '{}'::jsonb
           FROM images g WHERE g.tenant_id = ${tenant} AND g.state <> 'deleted'${branch('g')}
       ) x
       JOIN regions r ON r.id = x.region_id`;
  return { from, where };
}
