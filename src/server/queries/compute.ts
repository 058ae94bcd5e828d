import type { CloudKind } from '../../protocol/clouds.js';
import { notFound } from '../../protocol/errors.js';
import type { Queryable } from '../../store/database.js';

/** A region as compute handlers need it: ids, its cloud and the name the cloud knows it by. */
export interface RegionRef {
  id: string;
  name: string;
  nativeName: string;
  cloud: CloudKind;
  kind: 'public' | 'private';
  status: string;
  /** The private agent that reaches this region's cloud; null where Maestro calls the cloud itself. */
  agentId: string | null;
}

const regionRefSelect = `SELECT id, name, native_name AS "nativeName", cloud, kind, status, agent_id AS "agentId" FROM regions`;

export async function regionRef(db: Queryable, name: string): Promise<RegionRef> {
  const { rows } = await db.query<RegionRef>(`${regionRefSelect} WHERE name = $1`, [name]);
  if (!rows[0]) throw notFound('region', name, 'list regions with `maestro regions describe`');
  return rows[0];
}

export async function regionRefById(db: Queryable, id: string): Promise<RegionRef> {
  const { rows } = await db.query<RegionRef>(`${regionRefSelect} WHERE id = $1`, [id]);
  return rows[0]!;
}

export async function allRegionRefs(db: Queryable): Promise<RegionRef[]> {
  const { rows } = await db.query<RegionRef>(`${regionRefSelect} ORDER BY name`);
  return rows;
}

/** Folds tags for clouds that compare tag names case-insensitively. */
export function foldTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value.toLowerCase()]));
}
