import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';
import { costQuotaActions, costQuotaScopes } from '../quotas.js';

const id = z.string().uuid();
/** null: no limit in that dimension. */
const limit = z.number().int().nullable();

/** A daily resource quota of a tenant in a region, set or replaced as a whole. */
export const dailyQuotaSet = defineEvent('quota.dailySet', {
  action: 'update',
  target: targetTypes.quota,
  data: z.object({
    tenantId: id,
    regionId: id,
    intervalHours: z.number().int(),
    instances: limit,
    cpu: limit,
    ramMb: limit,
    volumes: limit,
    storageGb: limit,
  }),
});

export const dailyQuotaDeleted = defineEvent('quota.dailyDeleted', {
  action: 'delete',
  target: targetTypes.quota,
  data: z.object({ tenantId: id, regionId: id }),
});

/** A monthly cost quota, set or replaced; `target` is the cloud code or region name (null for scope all). */
export const monthlyQuotaSet = defineEvent('quota.monthlySet', {
  action: 'update',
  target: targetTypes.quota,
  data: z.object({
    id,
    tenantId: id,
    scope: z.enum(costQuotaScopes),
    target: z.string().nullable(),
    limit: z.number(),
    currency: z.string(),
    notifyAtPercent: z.number().int().nullable(),
    action: z.enum(costQuotaActions),
  }),
});

export const monthlyQuotaDeleted = defineEvent('quota.monthlyDeleted', {
  action: 'delete',
  target: targetTypes.quota,
  data: z.object({ id, tenantId: id }),
});

/**
 * A monthly cost quota's spending reached a threshold of its notification plan (or 100%):
 * recorded once per quota, setting (`revision`) and month, for the tenant's contacts to be told.
 */
export const quotaThresholdReached = defineEvent('quota.thresholdReached', {
  action: 'evaluate',
  target: targetTypes.quota,
  eventType: 'monitor',
  data: z.object({
    quotaId: id,
    tenantId: id,
    scope: z.enum(costQuotaScopes),
    target: z.string().nullable(),
    revision: z.number().int(),
    month: z.string(),
    percent: z.number().int(),
    spent: z.number(),
    limit: z.number(),
    currency: z.string(),
    action: z.enum(costQuotaActions),
  }),
});

/** A request a quota held: the command and its validated input, run as the requester once approved. */
export const approvalRequested = defineEvent('approval.requested', {
  action: 'create',
  target: targetTypes.approval,
  data: z.object({
    id,
    tenantId: id,
    command: z.string(),
    input: z.record(z.string(), z.unknown()),
    requesterId: id.nullable(),
    requesterName: z.string(),
    reason: z.string(),
    quotaIds: z.array(id),
  }),
});

const decision = {
  id,
  tenantId: id,
  /** Who is to be told. */
  requesterId: id.nullable(),
  deciderId: id.nullable(),
  deciderName: z.string(),
  comment: z.string().nullable(),
};

export const approvalApproved = defineEvent('approval.approved', {
  action: 'allow',
  target: targetTypes.approval,
  data: z.object(decision),
});

export const approvalRejected = defineEvent('approval.rejected', {
  action: 'deny',
  target: targetTypes.approval,
  data: z.object(decision),
});

/** The approved command ran, as its requester, in the transaction that records this. */
export const approvalExecuted = defineEvent('approval.executed', {
  action: 'update',
  target: targetTypes.approval,
  data: z.object({ id, tenantId: id, requesterId: id.nullable() }),
});

/** The approved command was refused when Maestro ran it (the requester lost a permission, a daily quota …). */
export const approvalFailed = defineEvent('approval.failed', {
  action: 'update',
  target: targetTypes.approval,
  data: z.object({ id, tenantId: id, requesterId: id.nullable(), error: z.string(), message: z.string() }),
});
