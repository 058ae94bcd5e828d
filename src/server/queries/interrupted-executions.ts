import { scheduleReason } from '../../domain/schedules.js';
import { instanceActionRequested } from '../../protocol/events/instance-actions.js';
import { scheduleExecutionStarted } from '../../protocol/events/schedules.js';
import type { ScheduleAction } from '../../protocol/schedules.js';
import type { Queryable } from '../../store/database.js';
import type { ScheduleTarget } from './schedule-targets.js';

/** An execution still `running`, as the node taking it over needs it. */
export interface RunningExecution {
  id: string;
  scheduleId: string;
  scheduleName: string;
  tenantId: string;
  customerId: string;
  action: ScheduleAction;
  dueAt: string;
  instances: Array<{ id: string; name: string }>;
}

export async function runningExecution(db: Queryable, executionId: string): Promise<RunningExecution | null> {
  const { rows } = await db.query<RunningExecution>(
    `SELECT e.id, e.schedule_id AS "scheduleId", e.schedule_name AS "scheduleName", e.tenant_id AS "tenantId",
            t.customer_id AS "customerId", e.action, e.due_at AS "dueAt", e.instances
       FROM schedule_executions e JOIN tenants t ON t.id = e.tenant_id
      WHERE e.id = $1 AND e.state = 'running'`,
    [executionId],
  );
  return rows[0] ?? null;
}

/**
 * The instances an execution has already acted on: the audit log holds the instance command each
 * accepted call recorded, with the schedule's reason, after the execution started. What is there
 * happened; what is not did not (each call commits its event with its change).
 */
export async function actedOn(db: Queryable, execution: RunningExecution): Promise<Set<string>> {
  const reason = scheduleReason(execution.scheduleId);
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT target_id AS id FROM event_log
      WHERE target_id = ANY($1::text[]) AND type = $2 AND reason->>'reasonType' = $3 AND reason->>'reasonCode' = $4
        AND seq > (SELECT seq FROM event_log WHERE target_id = $4 AND type = $5 AND data->>'executionId' = $6)`,
    [
      execution.instances.map((instance) => instance.id),
      instanceActionRequested[execution.action].type,
      reason.reasonType,
      reason.reasonCode,
      scheduleExecutionStarted.type,
      execution.id,
    ],
  );
  return new Set(rows.map((row) => row.id));
}

/** These instances of the tenant as they are now, whatever their state (terminated ones too). */
export async function instancesAsTargets(db: Queryable, tenantId: string, ids: readonly string[]): Promise<ScheduleTarget[]> {
  const { rows } = await db.query<ScheduleTarget>(
    `SELECT id, name, state, termination_protection AS "terminationProtection"
       FROM instances WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id`,
    [tenantId, ids],
  );
  return rows;
}
