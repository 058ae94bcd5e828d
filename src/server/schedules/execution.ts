import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';
import { dueToRun, outcomeOfError, scheduledStep, scheduleReason } from '../../domain/schedules.js';
import { caseInsensitiveClouds, type TagRuleSource } from '../../domain/tag-rules.js';
import { AppError } from '../../protocol/errors.js';
import * as events from '../../protocol/events/schedules.js';
import type { EventData } from '../../protocol/events.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Database } from '../../store/database.js';
import { actingAs } from '../acting-user.js';
import { initiatorOf, systemActor } from '../actor.js';
import type { Dispatcher } from '../dispatch.js';
import type { EventOrigin, EventScope, EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import { scheduleTargets, type ScheduleTarget } from '../queries/schedule-targets.js';
import { lockSchedule, scheduleById, type ScheduleRow } from '../queries/schedules.js';
import { releaseLease, renewLease, takeLease, type ExecutionLease } from './leases.js';

export interface SchedulerDeps {
  db: Database;
  writer: EventWriter;
  dispatcher: Dispatcher;
  /** Whose tag rules tag selectors match by. */
  clouds: TagRuleSource;
  logger: Logger;
  nodeName: string;
  /** How old a missed due time may be and still run (MAESTRO_SCHEDULE_GRACE_MS). */
  graceMs: number;
  /** Renews the leases of executions while their instances are acted on. */
  clock: Clock;
  /** How long a claimed execution is this node's without renewal (MAESTRO_SCHEDULE_LEASE_MS). */
  leaseMs: number;
}

/** What recording an execution needs: the lease it holds, and where it belongs. */
export interface ExecutionRecord extends ExecutionLease {
  schedule: Pick<ScheduleRow, 'id' | 'name' | 'tenantId' | 'customerId' | 'action'>;
  dueAt: Date;
}

/** A due time this node claimed (or took over), with the instances it targets. */
export interface Claim extends ExecutionRecord {
  schedule: ScheduleRow;
  targets: ScheduleTarget[];
}

export type InstanceResult = EventData<typeof events.scheduleExecuted>['instances'][number];

const origin = (deps: SchedulerDeps, schedule: ExecutionRecord['schedule']): EventOrigin => ({
  initiator: initiatorOf(systemActor('schedules')),
  requestId: null,
  observer: { typeURI: 'service/maestro', id: deps.nodeName },
  reason: scheduleReason(schedule.id),
});

const scopeOf = (schedule: ExecutionRecord['schedule']): EventScope => ({
  target: { id: schedule.id, name: schedule.name },
  customerId: schedule.customerId,
  tenantId: schedule.tenantId,
});

const leaseEnd = (deps: SchedulerDeps) => new Date(deps.clock.now().getTime() + deps.leaseMs);

/**
 * Claims the due time of a schedule at `now`, if it still has one: under the schedule's lock, the
 * due time is worked out again from the schedule as it is (another node may have claimed it a
 * moment ago, or a user disabled it) and `schedule.executionStarted` moves its last due time in
 * the same transaction, with this node's lease on the execution. So each due time is claimed
 * once, whichever nodes try; null when there is nothing (left) to claim.
 */
export async function claimDue(deps: SchedulerDeps, scheduleId: string, now: Date): Promise<Claim | null> {
  const { db, writer } = deps;
  const claimed = await db.transaction(async (tx) => {
    await lockSchedule(tx, scheduleId);
    const schedule = await scheduleById(tx, scheduleId);
    if (!schedule?.enabled) return null;
    const dueAt = dueToRun(schedule, new Date(schedule.since), now, deps.graceMs);
    if (dueAt === null) return null;
    const targets = await scheduleTargets(tx, schedule, caseInsensitiveClouds(deps.clouds));
    const claim: Claim = { executionId: uuidv7(), holder: randomUUID(), schedule, dueAt, targets };
    await takeLease(tx, claim, deps.nodeName, leaseEnd(deps));
    const event = writer.build(
      events.scheduleExecutionStarted,
      {
        executionId: claim.executionId,
        scheduleId: schedule.id,
        tenantId: schedule.tenantId,
        scheduleName: schedule.name,
        action: schedule.action,
        dueAt: dueAt.toISOString(),
        instances: targets.map(({ id, name }) => ({ id, name })),
      },
      scopeOf(schedule),
      origin(deps, schedule),
    );
    return { claim, recorded: await writer.append(tx, [event]) };
  });
  if (!claimed) return null;
  await writer.committed(claimed.recorded);
  return claimed.claim;
}

/**
 * Calls the schedule's action on each target through the dispatcher, as the schedule's creator
 * (as they are now) with the CADF reason `maestro/schedule`, so their permissions, licence and
 * quotas apply and the audit log shows them. Instances whose state does not allow the action
 * are skipped without a call. One at a time, like the other background executors; the lease is
 * renewed before each, and a lease another node has taken over stops the loop (LeaseLost).
 */
export async function perform(deps: SchedulerDeps, claim: Claim): Promise<InstanceResult[]> {
  const { schedule, targets } = claim;
  const actor = await actingAs(deps.db, { id: schedule.creatorId, name: schedule.creatorName });
  const results: InstanceResult[] = [];
  for (const target of targets) {
    await renewLease(deps.db, claim, leaseEnd(deps));
    const result = (outcome: InstanceResult['outcome'], message: string | null) => results.push({ id: target.id, name: target.name, outcome, message });
    if (!actor) {
      result('refused', `the schedule's creator ${schedule.creatorName} no longer exists or is disabled`);
      continue;
    }
    const step = scheduledStep(schedule.action, target);
    if (step.kind === 'skip') {
      result('skipped', step.why);
      continue;
    }
    try {
      await deps.dispatcher.call(`instances.${schedule.action}`, { tenant: schedule.tenant, id: target.id }, { actor, reason: scheduleReason(schedule.id) });
      result('done', null);
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('internal', String(error));
      result(outcomeOfError(appError.kind), appError.message);
    }
  }
  return results;
}

/**
 * Records what the execution did to each instance: `schedule.executed`, which finishes its record,
 * in the transaction that ends the lease (LeaseLost, and nothing recorded, if another node has it).
 */
export async function finish(
  deps: SchedulerDeps,
  record: ExecutionRecord,
  instances: InstanceResult[],
  takenOverFrom?: string,
): Promise<void> {
  const { db, writer } = deps;
  const { executionId, schedule, dueAt } = record;
  const recorded = await db.transaction(async (tx) => {
    await releaseLease(tx, record);
    return writer.append(tx, [
      writer.build(
        events.scheduleExecuted,
        {
          executionId,
          scheduleId: schedule.id,
          tenantId: schedule.tenantId,
          action: schedule.action,
          dueAt: dueAt.toISOString(),
          instances,
          ...(takenOverFrom !== undefined ? { takenOverFrom } : {}),
        },
        scopeOf(schedule),
        origin(deps, schedule),
      ),
    ]);
  });
  await writer.committed(recorded);
}
