/**
 * The vocabulary of quotas and approvals (seed §3.4.1): daily resource quotas limit what a tenant
 * may create in a region within a rolling window; monthly cost quotas limit what it spends.
 */

/** The original's `creation-interval-hours` when none is given. */
export const DEFAULT_CREATION_INTERVAL_HOURS = 24;

/** Where a monthly cost quota applies: every region, the regions of one cloud, or one region. */
export const costQuotaScopes = ['all', 'cloud', 'region'] as const;
export type CostQuotaScope = (typeof costQuotaScopes)[number];

/** What happens once a monthly cost quota is 100% spent. */
export const costQuotaActions = ['stop', 'approval', 'deny'] as const;
export type CostQuotaAction = (typeof costQuotaActions)[number];

/**
 * A request held by a quota: `pending` until an approver decides; an approved one is run by
 * Maestro as its requester and ends `executed`, or `failed` when that run was refused.
 */
export const approvalStates = ['pending', 'approved', 'rejected', 'executed', 'failed'] as const;
export type ApprovalState = (typeof approvalStates)[number];
