import type { z } from 'zod';
import type { managedResource } from '../../protocol/commands/tags.js';
import type { Queryable } from '../../store/database.js';
import type { Page, PageRequest } from './organisation.js';
import { decodeResourceCursor, encodeResourceCursor, type ResourceOrder } from './resource-order.js';
import { resourceSource, type ResourceFilter } from './resource-source.js';

export type { ResourceFilter } from './resource-source.js';
export type ManagedResource = z.infer<typeof managedResource>;

export interface ResourceListing extends ResourceFilter, PageRequest {
  order: ResourceOrder;
}

/**
 * One page of everything a tenant has (the Management table), in the order asked for and then by
 * id, so the cursor (the last row's sort value and id) is stable and no page is found by OFFSET.
 * The page is chosen first; only its rows then look up their owner and public IP.
 */
export async function listResources(db: Queryable, listing: ResourceListing): Promise<Page<ManagedResource>> {
  const { order } = listing;
  const params: unknown[] = [];
  const after = decodeResourceCursor(order, listing.cursor);
  const source = resourceSource(listing, params, [], { order, after, limit: listing.limit + 1 });
  const direction = order.descending ? 'DESC' : 'ASC';
  params.push(listing.limit + 1);
  const { rows } = await db.query<ManagedResource & { sortKey: string }>(
    `WITH chosen AS (
       SELECT * FROM (${source}) x ORDER BY x.sort_value ${direction}, x.id ${direction} LIMIT $${params.length}
     )
     SELECT c.id, c.type, c.name, c.region, c.cloud, 'Compute' AS service, c.native_id AS "nativeId", c.tags,
            c.state, u.name AS owner, c.created_at AS "createdAt", c.shape,
            (SELECT json_build_object('address', p.address, 'privateAddress', p.private_address)
               FROM public_ips p WHERE p.instance_id = c.id LIMIT 1) AS "publicIp",
            c.sort_value::text AS "sortKey"
       FROM chosen c LEFT JOIN users u ON u.id = c.owner_id
      ORDER BY c.sort_value ${direction}, c.id ${direction}`,
    params,
  );
  const more = rows.length > listing.limit;
  const items = rows.slice(0, listing.limit).map(({ sortKey: _, ...row }) => row);
  const last = rows[listing.limit - 1];
  return { items, nextCursor: more && last ? encodeResourceCursor(order, { value: last.sortKey, id: last.id }) : null };
}
