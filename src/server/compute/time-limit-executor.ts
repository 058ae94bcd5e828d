import type { Clock } from '../../domain/clock.js';
import { timeLimitReason, timeLimits, timeLimitStep } from '../../domain/time-limits.js';
import { AppError } from '../../protocol/errors.js';
import type { Database } from '../../store/database.js';
import { systemActor } from '../actor.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Dispatcher } from '../dispatch.js';
import type { Logger } from '../logger.js';
import { dueTimeLimits } from '../queries/instances.js';

export interface TimeLimitReport {
  /** Limits whose action was taken. */
  acted: number;
  /** Limits that passed with nothing to do (instance already stopped, termination protection …). */
  skipped: number;
  /** Limits of instances between states, looked at again on the next pass. */
  waiting: number;
  /** Calls that failed (cloud unavailable …): logged, and tried again on the next pass. */
  failed: number;
}

/**
 * Acts on the stopAfter / terminateAfter limits that have passed, every interval: each through
 * the dispatcher, as instances.stop or instances.terminate by the system actor `time-limits` with
 * the CADF reason `maestro/time-limit`, so it is authorised and audited like a user's call. The
 * handler decides again under the instance's lock and clears the limit in the same transaction,
 * so with several nodes running this a limit fires once; a node that comes second is told there
 * is nothing left to do, which is not an error. A failed call is tried once per pass, no sooner.
 */
export class TimeLimitExecutor {
  readonly #runner: CoalescingRunner;
  readonly #actor = systemActor('time-limits');

  constructor(
    private readonly db: Database,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.#runner = new CoalescingRunner(
      async () => void (await this.runOnce()),
      intervalMs,
      (error) => this.logger.error({ err: error }, 'acting on instance time limits failed'),
    );
  }

  start(): void {
    this.#runner.start();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  async runOnce(): Promise<TimeLimitReport> {
    const report: TimeLimitReport = { acted: 0, skipped: 0, waiting: 0, failed: 0 };
    for (const due of await dueTimeLimits(this.db, this.clock.now())) {
      if (this.#runner.stopped) break;
      const step = timeLimitStep(due.limit, due);
      if (step.kind === 'wait') {
        report.waiting += 1;
        continue;
      }
      const { action, done } = timeLimits[due.limit];
      const about = { instance: due.id, name: due.name, tenant: due.tenant, limit: due.limit, at: due.at };
      try {
        await this.dispatcher.call(
          `instances.${action}`,
          { tenant: due.tenant, id: due.id },
          { actor: this.#actor, reason: timeLimitReason(due.limit) },
        );
      } catch (error) {
        if (error instanceof AppError && error.kind === 'invalid_state') {
          // Another node (or a user) got there first, or the instance is between states: the next pass sees.
          this.logger.debug({ ...about, reason: error.message }, 'time limit already dealt with');
          continue;
        }
        report.failed += 1;
        this.logger.warn({ ...about, err: error }, `could not act on the ${due.limit} of an instance; trying again on the next pass`);
        continue;
      }
      if (step.kind === 'act') {
        report.acted += 1;
        this.logger.info(about, `instance ${done}: its ${due.limit} passed`);
      } else {
        report.skipped += 1;
        this.logger.info({ ...about, why: step.why }, `${due.limit} passed and the instance was left as it is: ${step.why}`);
      }
    }
    return report;
  }
}
