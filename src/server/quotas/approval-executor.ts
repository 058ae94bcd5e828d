import { approvalReason } from '../../domain/quotas.js';
import { AppError } from '../../protocol/errors.js';
import * as events from '../../protocol/events/quotas.js';
import type { Database } from '../../store/database.js';
import { actingAs } from '../acting-user.js';
import { initiatorOf, systemActor } from '../actor.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Dispatcher } from '../dispatch.js';
import type { EventOrigin, EventWriter } from '../event-writer.js';
import type { Logger } from '../logger.js';
import { approvalState, approvedRequests, lockApproval, type ApprovalRow } from '../queries/approvals.js';

export interface ApprovalRunReport {
  executed: number;
  /** Refused when run (the requester lost a permission, a daily quota …): recorded as approval.failed. */
  failed: number;
  /** Failed in a way a retry can help (cloud unavailable): tried again on the next pass. */
  retrying: number;
}

export interface ApprovalExecutorDeps {
  db: Database;
  writer: EventWriter;
  dispatcher: Dispatcher;
  logger: Logger;
  nodeName: string;
}

/**
 * Runs approved requests: each through the dispatcher as its requester, so their permissions
 * apply and the events show them as the initiator, with the CADF reason `maestro/approval` (the
 * request's id). That reason is the marker the holding quota lets through; the run records
 * `approval.executed` in its own transaction, under the request's lock, so a request runs once
 * even when several nodes try. A run refused for good is recorded as `approval.failed`.
 *
 * Woken when a request is approved (on every node), and on a timer as a safety net.
 */
export class ApprovalExecutor {
  readonly #runner: CoalescingRunner;
  readonly #origin: EventOrigin;

  constructor(
    private readonly deps: ApprovalExecutorDeps,
    intervalMs: number,
  ) {
    this.#origin = { initiator: initiatorOf(systemActor('approvals')), requestId: null, observer: { typeURI: 'service/maestro', id: deps.nodeName } };
    this.#runner = new CoalescingRunner(
      async () => void (await this.runOnce()),
      intervalMs,
      (error) => this.deps.logger.error({ err: error }, 'running approved requests failed'),
    );
  }

  start(): void {
    this.#runner.start();
  }

  wake(): void {
    this.#runner.wake();
  }

  /** Resolves when no pass is running or scheduled (tests wait on it after approving). */
  idle(): Promise<void> {
    return this.#runner.idle();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  async runOnce(): Promise<ApprovalRunReport> {
    const report: ApprovalRunReport = { executed: 0, failed: 0, retrying: 0 };
    for (const approval of await approvedRequests(this.deps.db)) {
      if (this.#runner.stopped) break;
      const about = { approval: approval.id, command: approval.command, tenant: approval.tenant, requester: approval.requesterName };
      const actor = await actingAs(this.deps.db, { id: approval.requesterId, name: approval.requesterName });
      if (!actor) {
        if (await this.#fail(approval, 'forbidden', `the requester ${approval.requesterName} no longer exists or is disabled`)) report.failed += 1;
        continue;
      }
      try {
        await this.deps.dispatcher.call(approval.command, approval.input, { actor, reason: approvalReason(approval.id) });
        report.executed += 1;
        this.deps.logger.info(about, 'approved request run');
      } catch (error) {
        // Run or decided meanwhile (another node got there first): nothing left to do.
        if ((await approvalState(this.deps.db, approval.id)) !== 'approved') continue;
        const appError = error instanceof AppError ? error : new AppError('internal', String(error));
        if (appError.retryable) {
          report.retrying += 1;
          this.deps.logger.warn({ ...about, err: error }, 'an approved request could not run; trying again on the next pass');
        } else if (await this.#fail(approval, appError.kind, appError.message)) {
          report.failed += 1;
          this.deps.logger.info({ ...about, reason: appError.message }, 'an approved request was refused when run');
        }
      }
    }
    return report;
  }

  /** Records that the approved request was refused, unless it is no longer approved; true when recorded. */
  async #fail(approval: ApprovalRow, kind: string, message: string): Promise<boolean> {
    const { db, writer } = this.deps;
    const recorded = await db.transaction(async (tx) => {
      const locked = await lockApproval(tx, approval.id);
      if (locked.state !== 'approved') return [];
      const event = writer.build(
        events.approvalFailed,
        { id: approval.id, tenantId: approval.tenantId, requesterId: approval.requesterId, error: kind, message },
        { target: { id: approval.id, name: approval.command }, customerId: approval.customerId, tenantId: approval.tenantId },
        this.#origin,
      );
      return writer.append(tx, [event]);
    });
    await writer.committed(recorded);
    return recorded.length > 0;
  }
}
