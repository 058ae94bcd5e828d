import { approvalBeingRun } from '../../domain/quotas.js';
import type { z } from 'zod';
import type { heldRequest } from '../../protocol/commands/approvals.js';
import { invalidState } from '../../protocol/errors.js';
import * as events from '../../protocol/events/quotas.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { CommandContext } from '../context.js';
import { lockApproval, type ApprovalRow } from '../queries/approvals.js';
import type { RegionRef } from '../queries/compute.js';
import type { TenantRow } from '../queries/organisation.js';

export type HeldRequest = z.output<typeof heldRequest>;

/** A command and its validated input, as a quota may hold it for approval. */
export interface CommandRequest {
  command: string;
  input: object;
}

/** Records the request for an approver instead of running it (approval.requested, by the requester). */
export async function holdForApproval(
  ctx: CommandContext,
  place: { tenant: TenantRow; region: RegionRef },
  request: CommandRequest,
  quotaIds: string[],
  reason: string,
): Promise<HeldRequest> {
  const id = uuidv7();
  await ctx.emit(
    events.approvalRequested,
    {
      id,
      tenantId: place.tenant.id,
      command: request.command,
      // Through JSON, as it is stored and as the dispatcher will parse it again when it runs.
      input: JSON.parse(JSON.stringify(request.input)) as Record<string, unknown>,
      requesterId: ctx.actor.userId,
      requesterName: ctx.actor.name,
      reason,
      quotaIds,
    },
    { target: { id, name: request.command }, customerId: place.tenant.customerId, tenantId: place.tenant.id, region: place.region.name },
  );
  return { id, state: 'pending', reason };
}

/**
 * The approved request this call carries out, when Maestro runs one (the marker is the call's
 * reason, which only Maestro's own calls have, never a request's input). Locked until the call
 * commits, and refused unless it is still approved and is this command in this tenant: an
 * approved request runs once, even when nodes race to run it.
 */
export async function approvedRequestBeingRun(ctx: CommandContext, tenant: TenantRow, command: string): Promise<ApprovalRow | null> {
  const id = approvalBeingRun(ctx.reason);
  if (id === null) return null;
  const approval = await lockApproval(ctx.db, id, tenant.id);
  if (approval.state !== 'approved' || approval.command !== command) {
    throw invalidState(`approval request ${id} is ${approval.state} (${approval.command}); there is nothing to run`, { state: approval.state });
  }
  return approval;
}

/** Records that the approved request ran, in the transaction of the run itself: both or neither. */
export async function markExecuted(ctx: CommandContext, approval: ApprovalRow): Promise<void> {
  await ctx.emit(
    events.approvalExecuted,
    { id: approval.id, tenantId: approval.tenantId, requesterId: approval.requesterId },
    { target: { id: approval.id, name: approval.command }, customerId: approval.customerId, tenantId: approval.tenantId },
  );
}
