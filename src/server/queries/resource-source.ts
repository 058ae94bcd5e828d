import type { CloudKind } from '../../protocol/clouds.js';
import type { ResourceOrder, ResourcePosition } from './resource-order.js';
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

/** A page of one sort: each table gives at most `limit` rows after `after`, so it reads no more through its index. */
export interface SourcePage {
  order: ResourceOrder;
  after: ResourcePosition | null;
  limit: number;
}

/** A LIKE pattern that finds `text` anywhere, its wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface Table {
  type: ResourceType;
  sql: string;
  alias: string;
  /** Rows of the table that are no resources (any more). */
  live: string;
  shape: string;
  tags: string;
  tagsFolded: string;
}

const tables: readonly Table[] = [
  { type: 'instance', sql: 'instances', alias: 'i', live: "i.state <> 'terminated'", shape: 'i.shape', tags: 'i.tags', tagsFolded: 'i.tags_folded' },
  { type: 'volume', sql: 'volumes', alias: 'v', live: 'true', shape: 'NULL::text', tags: 'v.tags', tagsFolded: 'v.tags_folded' },
  // Only the tenant's private catalog; images carry no tags.
  { type: 'image', sql: 'images', alias: 'g', live: "g.state <> 'deleted'", shape: 'NULL::text', tags: "'{}'::jsonb", tagsFolded: "'{}'::jsonb" },
];

/** The column a sort key orders by, in one table's own columns (so that its index serves it), and its SQL type. */
function sortExpression(table: Table, key: ResourceOrder['key']): { sql: string; type: string } {
  const a = table.alias;
  switch (key) {
    case 'id':
      return { sql: `${a}.id`, type: 'uuid' };
    case 'name':
      return { sql: `${a}.name`, type: 'text' };
    case 'type':
      return { sql: `'${table.type}'::text`, type: 'text' };
    case 'region':
      return { sql: 'r.name', type: 'text' };
    case 'state':
      return { sql: `${a}.state`, type: 'text' };
    case 'createdAt':
      return { sql: `${a}.created_at`, type: 'timestamptz' };
  }
}

/**
 * Everything a tenant has, as rows with id, type, name, region_id, region, cloud, native_id,
 * state, owner_id, created_at, shape, tags, tags_folded and sort_value: live instances, volumes
 * and the images of its private catalog, one branch of a UNION ALL each. Every filter is written
 * inside each branch, on the table's own columns and its region `r`, so each table's indexes serve
 * them; with a page, each branch is also ordered and cut to the page's size, so the first page of
 * a sort reads a page's worth of each table's index rather than the whole tenant. The tag filter
 * applies each resource's own cloud's rule: exact on `tags`, or on `tags_folded` (keys and values
 * lower-cased) for clouds that compare case-insensitively. Values are appended to `params`.
 */
export function resourceSource(filter: ResourceFilter, params: unknown[], leaveOut: readonly FilterName[] = [], page?: SourcePage): string {
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const tenant = bind(filter.tenantId);
  const state = filter.state === undefined ? null : bind(filter.state);
  const name = filter.name === undefined ? null : bind(containing(filter.name));
  const region = filter.regionId === undefined || leaveOut.includes('region') ? null : bind(filter.regionId);
  const cloud = filter.cloud === undefined || leaveOut.includes('cloud') ? null : bind(filter.cloud);
  const tag = filter.tag && !leaveOut.includes('tag') ? filter.tag : undefined;
  const folded = tag ? bind(filter.caseInsensitiveClouds) : null;
  const after = page?.after ? { value: bind(page.after.value), id: bind(page.after.id) } : null;
  const limit = page ? bind(page.limit) : null;
  const type = leaveOut.includes('type') ? undefined : filter.type;

  const branches = tables.map((table) => {
    const a = table.alias;
    const conditions = [`${a}.tenant_id = ${tenant}`, table.live];
    // A branch of another type, or of images under a tag filter, has no rows; it stays so the union is never empty.
    if ((type !== undefined && type !== table.type) || (tag && table.type === 'image')) conditions.push('false');
    if (state) conditions.push(`${a}.state = ${state}`);
    if (name) conditions.push(`${a}.name ILIKE ${name}`);
    if (region) conditions.push(`${a}.region_id = ${region}::uuid`);
    if (cloud) conditions.push(`r.cloud = ${cloud}`);
    if (tag && table.type !== 'image') conditions.push(tagMatchCondition(a, `r.cloud = ANY(${folded}::text[])`, tag, params));
    const sort = sortExpression(table, page?.order.key ?? 'id');
    let ordered = '';
    if (page) {
      const direction = page.order.descending ? 'DESC' : 'ASC';
      if (after) conditions.push(`(${sort.sql}, ${a}.id) ${page.order.descending ? '<' : '>'} (${after.value}::${sort.type}, ${after.id}::uuid)`);
      ordered = `ORDER BY ${sort.sql} ${direction}, ${a}.id ${direction} LIMIT ${limit}`;
    }
    return `(SELECT ${a}.id, '${table.type}'::text AS type, ${a}.name, ${a}.region_id, r.name AS region, r.cloud, ${a}.native_id, ${a}.state,
                    ${a}.owner_id, ${a}.created_at, ${table.shape} AS shape, ${table.tags} AS tags, ${table.tagsFolded} AS tags_folded,
                    ${sort.sql} AS sort_value
               FROM ${table.sql} ${a} JOIN regions r ON r.id = ${a}.region_id
              WHERE ${conditions.join('\n                AND ')}
              ${ordered})`;
  });
  return branches.join('\n             UNION ALL\n             ');
}
