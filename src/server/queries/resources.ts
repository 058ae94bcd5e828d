import type { Resource } from '../../protocol/commands/compute-schemas.js';
import type { CloudKind } from '../../protocol/clouds.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeUuidCursor, pageOf } from './paging.js';
import { tagMatchCondition } from './tag-match.js';

export interface ResourceFilter extends PageRequest {
  tenantId: string;
  regionId?: string | undefined;
  type?: Resource['type'] | undefined;
  tag?: { key: string; value?: string | undefined } | undefined;
  /** Clouds whose resources match tag names case-insensitively; the others match exactly. */
  caseInsensitiveClouds: readonly CloudKind[];
}

/**
 * Everything a tenant has, as one list: live instances, volumes and the images of its private
 * catalog (which carry no tags). Ordered by id, unique across the three tables, so the cursor is
 * stable. The tag filter applies each resource's own cloud's rule: exact on `tags`, or on
 * `tags_folded` (keys and values lower-cased) for clouds that compare case-insensitively.
 */
export async function listResources(db: Queryable, filter: ResourceFilter): Promise<Page<Resource>> {
  const params: unknown[] = [filter.tenantId];
  const where: string[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.regionId !== undefined) add((p) => `x.region_id = ${p}::uuid`, filter.regionId);
  if (filter.type !== undefined) add((p) => `x.type = ${p}`, filter.type);
  if (filter.tag) {
    params.push(filter.caseInsensitiveClouds);
    // The rule depends on the joined region; the condition reaches the GIN indexes inside the union.
    where.push(tagMatchCondition('x', `r.cloud = ANY($${params.length}::text[])`, filter.tag, params));
  }
  const after = decodeUuidCursor(filter.cursor);
  if (after !== null) add((p) => `x.id > ${p}::uuid`, after);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Resource>(
    `SELECT x.id, x.type, x.name, r.name AS region, r.cloud, 'Compute' AS service, x.native_id AS "nativeId", x.tags
       FROM (
         SELECT i.id, 'instance' AS type, i.name, i.region_id, i.native_id, i.tags, i.tags_folded
           FROM instances i WHERE i.tenant_id = $1 AND i.state <> 'terminated'
         UNION ALL
         SELECT v.id, 'volume', v.name, v.region_id, v.native_id, v.tags, v.tags_folded
           FROM volumes v WHERE v.tenant_id = $1
         UNION ALL
         SELECT g.id, 'image', g.name, g.region_id, g.native_id, '{}'::jsonb, '{}'::jsonb
           FROM images g WHERE g.tenant_id = $1 AND g.state <> 'deleted'
       ) x
       JOIN regions r ON r.id = x.region_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY x.id
      LIMIT $${params.length}`,
    params,
  );
  return pageOf(rows, filter.limit, (resource) => resource.id);
}
