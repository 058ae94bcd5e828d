import { z } from 'zod';
import { percentSpent, reached } from '../../domain/quotas.js';
import type { RecordedEvent } from '../../protocol/events.js';
import { instanceStateChanged } from '../../protocol/events/compute.js';
import { loginApproved } from '../../protocol/events/login.js';
import { approvalApproved, approvalRejected, approvalRequested, quotaThresholdReached } from '../../protocol/events/quotas.js';
import type { NotificationPriority, NotificationType } from '../../protocol/notifications.js';
import type { Facts, Needs } from './facts.js';
import { TENANT_ADMINISTRATION, to, type RecipientSpec } from './recipients.js';

/**
 * Which events become which notifications, how urgent, for whom, and with what data for the
 * templates (each type's sample.json shows that data). One row per event type: adding a
 * notification is a row here, a type in src/protocol/notifications.ts and its template files.
 */
export interface Trigger<D = unknown> {
  event: string;
  notification: NotificationType;
  /** The event's data as this trigger reads it: an event it cannot read is skipped, not retried forever. */
  data: z.ZodType<D>;
  priority(data: D): NotificationPriority;
  /** Facts to read for the batch besides the event's tenant, which is always read. */
  needs?(data: D): Needs;
  recipients(data: D, facts: Facts): RecipientSpec[];
  /** The template data beside `at` (the event's time) and `tenant` (its tenant's name), which every type has. */
  view(data: D, facts: Facts, event: RecordedEvent): Record<string, unknown>;
}

/** An event definition, or the type and data schema of an event another part of Maestro defines. */
interface Source<D> {
  type: string;
  data: z.ZodType<D>;
}

const trigger = <D>(source: Source<D>, notification: NotificationType, spec: Omit<Trigger<D>, 'event' | 'notification' | 'data'>): Trigger =>
  ({ event: source.type, notification, data: source.data, ...spec }) as Trigger;

/** `job.failed`, recorded by the job engine for a job that failed for good; read leniently, it is not ours. */
const jobFailed: Source<{ id: string; type: string; attempts: number | null; recurring: string | null; error: string }> = {
  type: 'job.failed',
  data: z.object({
    id: z.string(),
    type: z.string(),
    attempts: z.number().int().nullable().default(null),
    recurring: z.string().nullable().default(null),
    error: z.string(),
  }),
};

const money = (amount: number) => amount.toFixed(2);

const decision = (kind: 'approvalApproved' | 'approvalRejected', source: typeof approvalApproved | typeof approvalRejected) =>
  trigger(source, kind, {
    priority: () => 'normal',
    needs: (d) => ({ approvals: [d.id] }),
    // Requesters who withdraw (or, as system administrators, approve) their own request are not told of it.
    recipients: (d) => (d.deciderId !== null && d.deciderId === d.requesterId ? [] : [to.user(d.requesterId)]),
    view: (d, f) => ({ decider: d.deciderName, comment: d.comment, approval: { id: d.id, command: f.approval(d.id)?.command ?? 'a request' } }),
  });

export const triggers: readonly Trigger[] = [
  trigger(instanceStateChanged, 'instanceStateChanged', {
    priority: (d) => (d.state === 'error' ? 'high' : 'normal'),
    needs: (d) => ({ instances: [d.id] }),
    recipients: (d, f) => [to.user(f.instance(d.id)?.ownerId ?? null)],
    view: (d, f) => {
      const instance = f.instance(d.id);
      return { instance: { id: d.id, name: instance?.name ?? d.id, region: instance?.region ?? '' }, state: d.state, previous: d.previous, reason: d.reason };
    },
  }),
  trigger(quotaThresholdReached, 'quotaThresholdReached', {
    // The event's percent is the threshold crossed; spending may have jumped far past it (several
    // thresholds crossed in one evaluation are one event each), so the notification shows both,
    // and is urgent whenever the limit is reached, whichever threshold it announces.
    priority: (d) => (reached(d.spent, d.limit, 100) ? 'high' : 'normal'),
    recipients: (d) => [to.contacts(d.tenantId), to.holders(d.tenantId, TENANT_ADMINISTRATION)],
    view: (d) => ({
      percent: percentSpent(d.spent, d.limit),
      threshold: d.percent,
      exceeded: reached(d.spent, d.limit, 100),
      month: d.month,
      spent: money(d.spent),
      limit: money(d.limit),
      currency: d.currency,
      quota: { id: d.quotaId, appliesTo: d.scope === 'all' ? 'all regions' : `${d.scope} ${d.target}`, action: d.action },
    }),
  }),
  trigger(approvalRequested, 'approvalRequested', {
    priority: () => 'high',
    recipients: (d) => [to.holders(d.tenantId, 'APPROVE_REQUEST', d.requesterId)],
    view: (d) => ({ requester: d.requesterName, approval: { id: d.id, command: d.command, reason: d.reason } }),
  }),
  decision('approvalApproved', approvalApproved),
  decision('approvalRejected', approvalRejected),
  trigger(loginApproved, 'loginApproved', {
    priority: () => 'high',
    recipients: (d) => [to.user(d.userId)],
    view: (d) => ({ approver: d.approverName, address: d.address }),
  }),
  trigger(jobFailed, 'jobFailed', {
    priority: () => 'high',
    recipients: () => [to.systemAdministrators()],
    view: (d) => ({ job: { id: d.id, type: d.type, attempts: d.attempts, recurring: d.recurring }, error: d.error }),
  }),
];

export const triggersByEvent: ReadonlyMap<string, Trigger> = new Map(triggers.map((t) => [t.event, t]));
