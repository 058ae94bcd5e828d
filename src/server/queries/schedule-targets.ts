import type { TagSelector } from '../../domain/schedules.js';
import type { CloudKind } from '../../protocol/clouds.js';
import type { InstanceState } from '../../protocol/compute.js';
import type { Queryable } from '../../store/database.js';
import { tagMatchCondition } from './tag-match.js';

export interface ScheduleTarget {
  id: string;
  name: string;
  state: InstanceState;
  terminationProtection: boolean;
}

/**
 * The instances a schedule acts on now, in id order: those attached by id and those carrying one
 * of its tags, each matched by its own cloud's tag rule, so an instance tagged after the schedule
 * was made is included. Terminated instances are gone and left out.
 */
export async function scheduleTargets(
  db: Queryable,
  schedule: { tenantId: string; instanceIds: readonly string[]; tagSelectors: readonly TagSelector[] },
  caseInsensitiveClouds: readonly CloudKind[],
): Promise<ScheduleTarget[]> {
  const params: unknown[] = [schedule.tenantId, schedule.instanceIds];
  const matches = ['i.id = ANY($2::uuid[])'];
  if (schedule.tagSelectors.length > 0) {
    params.push(caseInsensitiveClouds);
    const folded = `r.cloud = ANY($${params.length}::text[])`;
    for (const tag of schedule.tagSelectors) matches.push(`(${tagMatchCondition('i', folded, tag, params)})`);
  }
  const { rows } = await db.query<ScheduleTarget>(
    `SELECT i.id, i.name, i.state, i.termination_protection AS "terminationProtection"
       FROM instances i JOIN regions r ON r.id = i.region_id
      WHERE i.tenant_id = $1 AND i.state <> 'terminated' AND (${matches.join(' OR ')})
      ORDER BY i.id`,
    params,
  );
  return rows;
}

/** Which of these ids are instances of the tenant that are not terminated (what may be attached). */
export async function liveInstanceIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM instances WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND state <> 'terminated'`,
    [tenantId, ids],
  );
  return new Set(rows.map((row) => row.id));
}
