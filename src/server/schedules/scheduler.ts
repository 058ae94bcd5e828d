import { dueToRun } from '../../domain/schedules.js';
import { executionOutcomes, type ExecutionOutcome } from '../../protocol/schedules.js';
import { enabledSchedules } from '../queries/schedules.js';
import { claimDue, finish, perform, type InstanceResult, type SchedulerDeps } from './execution.js';
import { LeaseLost } from './leases.js';
import { recoverInterrupted } from './recovery.js';

export type { SchedulerDeps } from './execution.js';

export interface ScheduleRunReport {
  /** Due times this pass executed (claimed, acted on, recorded). */
  executions: number;
  /** Instances by outcome, over those executions. */
  instances: Record<ExecutionOutcome, number>;
  /** Schedules whose execution could not be made or recorded: logged; a claimed due time is not tried again. */
  errors: number;
  /** Executions another node claimed and abandoned (it stopped before recording them), finished by this pass. */
  recovered: number;
}

/**
 * One scheduler pass at `now`: every enabled schedule with a due time to run (docs/schedules.md)
 * is claimed, executed as its creator and recorded. Safe to run on every node at once: a due
 * time is claimed once. Self-contained, so that a timer (runtime.ts) or a recurring job can call
 * it; `stopping` is asked between schedules, so that a node shutting down starts no more.
 */
export async function runDue(deps: SchedulerDeps, now: Date, stopping: () => boolean = () => false): Promise<ScheduleRunReport> {
  const report: ScheduleRunReport = {
    executions: 0,
    instances: Object.fromEntries(executionOutcomes.map((outcome) => [outcome, 0])) as Record<ExecutionOutcome, number>,
    errors: 0,
    recovered: 0,
  };
  try {
    for (const recovered of await recoverInterrupted(deps, now)) {
      report.recovered += 1;
      for (const { outcome } of recovered.instances) report.instances[outcome] += 1;
      deps.logger.warn(
        { execution: recovered.executionId, node: recovered.previousNode, outcomes: recovered.instances.map((r) => r.outcome) },
        'finished a schedule execution another node abandoned',
      );
    }
  } catch (error) {
    report.errors += 1;
    deps.logger.error({ err: error }, 'abandoned schedule executions could not be finished');
  }
  for (const schedule of await enabledSchedules(deps.db)) {
    if (stopping()) break;
    // A cheap look first; the claim decides again under the schedule's lock.
    if (dueToRun(schedule, new Date(schedule.since), now, deps.graceMs) === null) continue;
    const about = { schedule: schedule.id, name: schedule.name, tenant: schedule.tenant };
    try {
      const claim = await claimDue(deps, schedule.id, now);
      if (!claim) continue;
      let results: InstanceResult[];
      try {
        results = await perform(deps, claim);
      } catch (error) {
        if (error instanceof LeaseLost) throw error;
        // The due time is claimed: the execution is recorded as failed rather than left running.
        const message = `the execution could not be made: ${(error as Error).message}`;
        results = claim.targets.map(({ id, name }) => ({ id, name, outcome: 'failed', message }));
      }
      await finish(deps, claim, results);
      report.executions += 1;
      for (const { outcome } of results) report.instances[outcome] += 1;
      deps.logger.info({ ...about, dueAt: claim.dueAt.toISOString(), outcomes: results.map((r) => r.outcome) }, 'schedule executed');
    } catch (error) {
      if (error instanceof LeaseLost) {
        // This node stalled past its lease and another finished the execution: nothing more to do here.
        deps.logger.warn({ ...about, err: error }, 'a schedule execution was taken over by another node');
        continue;
      }
      report.errors += 1;
      deps.logger.error({ ...about, err: error }, 'a schedule could not be executed');
    }
  }
  return report;
}
