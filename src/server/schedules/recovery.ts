import { scheduleById } from '../queries/schedules.js';
import { actedOn, instancesAsTargets, runningExecution, type RunningExecution } from '../queries/interrupted-executions.js';
import { finish, perform, type ExecutionRecord, type InstanceResult, type SchedulerDeps } from './execution.js';
import { takeOverExpired, type TakenOver } from './leases.js';

/** How many abandoned executions one pass takes over. */
const BATCH = 20;

export interface Recovered {
  executionId: string;
  previousNode: string;
  instances: InstanceResult[];
}

/**
 * Finishes the executions whose node stopped between claim and record (its lease ran out), as
 * jobs are recovered, and never acting twice on an instance: those the audit log shows acted on
 * count as done; the rest are acted on now if the due time is still within the grace window and
 * the schedule still enabled, and are recorded as failed otherwise.
 */
export async function recoverInterrupted(deps: SchedulerDeps, now: Date): Promise<Recovered[]> {
  const until = new Date(now.getTime() + deps.leaseMs);
  const taken = await deps.db.transaction((tx) => takeOverExpired(tx, now, until, deps.nodeName, BATCH));
  const recovered: Recovered[] = [];
  for (const lease of taken) {
    try {
      const execution = await runningExecution(deps.db, lease.executionId);
      if (!execution) continue;
      const instances = await complete(deps, lease, execution, now);
      recovered.push({ executionId: execution.id, previousNode: lease.previousNode, instances });
    } catch (error) {
      // Its lease runs out again and a later pass tries again; what was done by then counts as done.
      deps.logger.error({ err: error, execution: lease.executionId }, 'an abandoned schedule execution could not be finished');
    }
  }
  return recovered;
}

async function complete(deps: SchedulerDeps, lease: TakenOver, execution: RunningExecution, now: Date): Promise<InstanceResult[]> {
  const acted = await actedOn(deps.db, execution);
  const remaining = execution.instances.filter((instance) => !acted.has(instance.id));
  const schedule = await scheduleById(deps.db, execution.scheduleId);
  const record: ExecutionRecord = {
    executionId: execution.id,
    holder: lease.holder,
    dueAt: new Date(execution.dueAt),
    schedule: schedule ?? {
      id: execution.scheduleId,
      name: execution.scheduleName,
      tenantId: execution.tenantId,
      customerId: execution.customerId,
      action: execution.action,
    },
  };
  const late = now.getTime() - record.dueAt.getTime() > deps.graceMs;
  const notRun = !schedule ? 'the schedule was deleted' : !schedule.enabled ? 'the schedule was disabled' : late ? 'the due time is past its grace window' : null;
  const outcomes = new Map<string, InstanceResult>();
  if (notRun === null && remaining.length > 0) {
    const targets = await instancesAsTargets(deps.db, execution.tenantId, remaining.map((instance) => instance.id));
    for (const result of await perform(deps, { ...record, schedule: schedule!, targets })) outcomes.set(result.id, result);
  }
  const why = `node ${lease.previousNode} stopped during the execution`;
  const instances = execution.instances.map(({ id, name }): InstanceResult => {
    if (acted.has(id)) return { id, name, outcome: 'done', message: null };
    const result = outcomes.get(id);
    if (result) return result;
    if (notRun !== null) return { id, name, outcome: 'failed', message: `not run: ${why} and ${notRun}` };
    return { id, name, outcome: 'skipped', message: 'it no longer exists' };
  });
  await finish(deps, record, instances, lease.previousNode);
  return instances;
}
