import { z } from 'zod';
import { cadfActions, cadfOutcomes } from '../cadf.js';
import { defineCommand, defineManager } from '../command.js';
import { identifier, instant, page, pageInput } from '../common.js';

/** Filters of the audit log (seed §3.5): where, what, who, how it ended, when. */
const filters = {
  tenant: identifier('tenant name').optional().describe("one tenant's events; else the customer's"),
  customer: identifier('customer name').optional(),
  region: identifier('region name').optional(),
  resource: z.string().min(1).max(200).optional().describe('the target resource id'),
  action: z.enum(cadfActions).optional(),
  type: z.string().min(1).max(100).optional().describe('the event type, e.g. instance.stateChanged'),
  actor: z.string().min(1).max(200).optional().describe("the initiator's id or name"),
  outcome: z.enum(cadfOutcomes).optional(),
  from: instant.optional().describe('from this time, inclusive'),
  to: instant.optional().describe('before this time'),
  id: z.string().uuid().optional().describe('the one event with this id'),
  order: z.enum(['oldest', 'newest']).default('oldest').describe('oldest first (log order), or newest first for the latest events'),
};

const auditEvent = z.object({
  seq: z.number(),
  id: z.string(),
  time: z.string(),
  type: z.string(),
  action: z.enum(cadfActions),
  outcome: z.enum(cadfOutcomes),
  initiator: z.object({ id: z.string(), name: z.string(), typeURI: z.string() }),
  target: z.object({ id: z.string(), typeURI: z.string(), name: z.string().optional() }),
  tenant: z.string().nullable(),
  region: z.string().nullable(),
  requestId: z.string().nullable(),
  reason: z.object({ reasonType: z.string(), reasonCode: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
});

const scope = { kind: 'tenantOrCustomer', tenantField: 'tenant', customerField: 'customer' } as const;

export const events = defineManager('events', 'event', {
  describe: defineCommand({
    summary: 'The audit log: CADF events filtered by tenant, region, resource, action, type, actor, outcome, time or id; oldest or newest first',
    input: z
      .strictObject({ ...filters, ...pageInput })
      .refine((v) => !v.from || !v.to || v.from < v.to, { message: 'from must be before to', path: ['from'] }),
    output: page(auditEvent),
    permission: 'DESCRIBE_EVENTS',
    feature: 'audit',
    audit: null,
    audience: 'user',
    scope,
    cli: { columns: ['seq', 'time', 'type', 'outcome', 'initiator.name', 'target.name', 'tenant'] },
  }),
  export: defineCommand({
    summary: 'Export the audit log as CADF 1.0 records (the same filters; up to 10,000 records a call, then continue from the cursor)',
    input: z.strictObject({ ...filters, limit: z.number().int().min(1).max(10_000).default(1000), cursor: pageInput.cursor }),
    output: z.object({ records: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }),
    permission: 'DESCRIBE_EVENTS',
    feature: 'audit',
    audit: null,
    audience: 'user',
    scope,
  }),
});
