import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, page, pageInput, timestamp } from '../common.js';
import { approvalStates } from '../quotas.js';
import { resourceId, tenantScope } from './compute-schemas.js';

/** What a command held by a quota answers instead of its result (instances.run's `approval`). */
export const heldRequest = z.object({
  id: z.string().describe('the approval request; approvals.describe shows it'),
  state: z.literal('pending'),
  reason: z.string().describe('which quota held the request, and why'),
});

const approval = z.object({
  id: z.string(),
  tenant: z.string(),
  command: z.string(),
  input: z.record(z.string(), z.unknown()).describe('the validated input the command runs with once approved'),
  state: z.enum(approvalStates),
  requester: z.string(),
  reason: z.string(),
  requestedAt: timestamp,
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  comment: z.string().nullable(),
  error: z.string().nullable().describe('for failed requests: why the approved command was refused'),
  updatedAt: timestamp,
});

const decisionConfirm = {
  allow: 'Approve this request? Maestro runs it as its requester.',
  deny: 'Reject this request? It is dropped and its requester told.',
} as const;

const decision = (summary: string, audit: 'allow' | 'deny') =>
  defineCommand({
    summary,
    input: z.strictObject({ ...tenantScope, id: resourceId('approval'), comment: displayText(1000).optional() }),
    output: approval,
    permission: 'APPROVE_REQUEST',
    feature: 'quotas',
    // Opened from a request in the approvals list, which fills the tenant and the id in.
    ui: {
      fields: { tenant: { widget: 'hidden' }, id: { widget: 'hidden' }, comment: { label: 'Comment', widget: 'textarea' } },
      confirm: decisionConfirm[audit],
    },
    audit,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  });

export const approvals = defineManager('approvals', 'approval', {
  describe: defineCommand({
    summary: "A tenant's requests held for approval by a monthly cost quota, oldest first (filter by state, e.g. pending)",
    input: z.strictObject({
      ...tenantScope,
      state: z.enum(approvalStates).optional(),
      id: resourceId('approval').optional(),
      ...pageInput,
    }),
    output: page(approval),
    permission: 'DESCRIBE_APPROVAL',
    feature: 'quotas',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['id', 'state', 'command', 'requester', 'reason', 'requestedAt'] },
  }),
  approve: decision(
    'Approve a pending request: Maestro then runs it as its requester (permissions and daily quotas still apply). ' +
      'A request is decided once; requesters cannot approve their own, unless they are system administrators',
    'allow',
  ),
  reject: decision('Reject a pending request: it is dropped and its requester told. Requesters may reject (withdraw) their own', 'deny'),
});
