import type { Managers } from '../../protocol/commands/index.js';
import { forbidden, invalidState } from '../../protocol/errors.js';
import * as events from '../../protocol/events/quotas.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import { approvalView, listApprovals, lockApproval } from '../queries/approvals.js';
import { tenantInScope } from './scope.js';

const decisions = {
  approve: events.approvalApproved,
  reject: events.approvalRejected,
};

/**
 * Approves or rejects a pending request, once: the request is locked, so of two approvers
 * deciding together the second is told it was decided. Requesters cannot approve their own
 * requests (system administrators can); they may reject them, which withdraws them. An approved
 * request is then run by Maestro as its requester (the approval executor).
 */
async function decide(decision: keyof typeof decisions, input: { tenant: string; id: string; comment?: string | undefined }, ctx: CommandContext) {
  const tenant = await tenantInScope(ctx, input.tenant);
  const approval = await lockApproval(ctx.db, input.id, tenant.id);
  if (approval.state !== 'pending') {
    throw invalidState(`approval request ${approval.id} is already ${approval.state}; a request is decided once`, { state: approval.state });
  }
  const own = approval.requesterId !== null && approval.requesterId === ctx.actor.userId;
  if (decision === 'approve' && own && !ctx.access.unrestricted) {
    throw forbidden('you cannot approve your own request; another approver must (you may reject it to withdraw it)');
  }
  await ctx.emit(
    decisions[decision],
    {
      id: approval.id,
      tenantId: tenant.id,
      requesterId: approval.requesterId,
      deciderId: ctx.actor.userId,
      deciderName: ctx.actor.name,
      comment: input.comment ?? null,
    },
    { target: { id: approval.id, name: approval.command }, customerId: tenant.customerId, tenantId: tenant.id },
  );
  return approvalView(ctx.db, approval.id);
}

export const approvals: ManagerHandlers<Managers['approvals']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    return listApprovals(ctx.db, { tenantId: tenant.id, state: input.state, id: input.id, limit: input.limit, cursor: input.cursor });
  },
  approve: (input, ctx) => decide('approve', input, ctx),
  reject: (input, ctx) => decide('reject', input, ctx),
};
