import { z } from 'zod';
import { billableTypes, decimalAmount, priceSchedule } from '../billing.js';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, instant, ok, timestamp, utcDay } from '../common.js';
import { tenantScope } from './compute-schemas.js';
import { regionPicker } from './ui-pickers.js';

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'currency is an ISO 4217 code such as USD or EUR')
  .default('USD');

const pricePolicy = z.object({
  id: z.string(),
  region: z.string(),
  effectiveFrom: timestamp,
  currency: z.string(),
  description: z.string(),
  prices: priceSchedule,
  active: z.boolean().describe('the policy in force now'),
});

export const pricePolicies = defineManager('pricePolicies', 'price-policy', {
  create: defineCommand({
    summary: 'Add a price policy to a private region, in force from a time on (exactly one is in force at any moment)',
    input: z.strictObject({
      region: identifier('region name'),
      effectiveFrom: instant.optional().describe('when it takes effect; now when omitted. Never in an hour already billed'),
      currency,
      description: displayText(500).optional(),
      prices: priceSchedule,
    }),
    output: pricePolicy,
    permission: 'MANAGE_PRICE_POLICY',
    feature: 'reporting',
    ui: {
      title: 'Add a price policy',
      steps: [
        { title: 'Region and time', fields: ['region', 'effectiveFrom', 'currency', 'description'] },
        { title: 'Prices', fields: ['prices'] },
      ],
      fields: {
        region: { ...regionPicker, help: 'A private region.' },
        effectiveFrom: { label: 'In force from', widget: 'datetime', help: 'Empty: now. Never in an hour already billed.' },
        currency: { placeholder: 'USD' },
        prices: { label: 'Prices', widget: 'code', help: 'The price schedule as JSON (docs/billing.md).' },
      },
    },
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: "A region's price policies, the one in force now marked active",
    input: z.strictObject({ region: identifier('region name') }),
    output: z.object({ items: z.array(pricePolicy) }),
    permission: 'DESCRIBE_PRICE',
    feature: 'reporting',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['id', 'effectiveFrom', 'currency', 'active', 'description'] },
  }),
  delete: defineCommand({
    summary: 'Delete a price policy that has not taken effect yet',
    input: z.strictObject({ id: z.string().uuid() }),
    output: ok,
    permission: 'MANAGE_PRICE_POLICY',
    feature: 'reporting',
    ui: { fields: { id: { widget: 'hidden' } }, confirm: 'Delete this price policy? It has not taken effect yet.' },
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});

const rate = z.object({ hourly: z.number(), monthly: z.number() });

export const reportKinds = ['total', 'subtotal', 'resource', 'hourly', 'tag'] as const;

export const billing = defineManager('billing', 'billing', {
  price: defineCommand({
    summary: 'What an instance would cost in a region before running it: by shape (or CPU and RAM) and image, running and stopped',
    input: z
      .strictObject({
        ...tenantScope,
        region: identifier('region name'),
        shape: z.string().trim().min(1).max(32).optional(),
        cpu: z.number().int().min(1).max(256).optional(),
        ramGb: z.number().min(0.5).max(4096).optional(),
        image: z.string().trim().min(1).max(128).optional().describe('image name or id; its OS may add to the price'),
        diskGb: z.number().int().min(1).max(65536).optional(),
        count: z.number().int().min(1).max(10_000).default(1),
      })
      .refine((v) => (v.shape !== undefined) !== (v.cpu !== undefined || v.ramGb !== undefined), {
        message: 'give either shape, or cpu and ramGb',
        path: ['shape'],
      })
      .refine((v) => v.shape !== undefined || (v.cpu !== undefined && v.ramGb !== undefined), { message: 'a custom shape needs both cpu and ramGb', path: ['cpu'] }),
    output: z.object({
      region: z.string(),
      policyId: z.string().nullable().describe('the price policy in force now; null when none is, and then nothing is priced'),
      currency: z.string().nullable().describe("the policy's currency; null without a policy"),
      count: z.number(),
      running: rate.nullable().describe('null when no price policy is in force: the region has no prices, not a price of 0'),
      stopped: rate.nullable().describe('null when no price policy is in force'),
      message: z.string().optional().describe('why there is no price, and what to do, when no price policy is in force'),
    }),
    permission: 'DESCRIBE_PRICE',
    feature: 'reporting',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  report: defineCommand({
    summary:
      'Billing report over a date range: total, subtotal (by region or tenant), per resource, hourly, or cost by tag; JSON or CSV',
    input: z
      .strictObject({
        kind: z.enum(reportKinds),
        tenant: identifier('tenant name').optional().describe('one tenant; else every tenant of the customer'),
        customer: identifier('customer name').optional(),
        from: instant.describe('first day, inclusive (UTC); a date-time counts as the UTC day it falls in'),
        to: instant.describe('last day, inclusive (UTC); a date-time counts as the UTC day it falls in'),
        by: z.enum(['region', 'tenant', 'cloud', 'service']).default('region').describe('subtotal grouping'),
        period: z.enum(['all', 'day', 'week', 'month']).default('all').describe('total and subtotal per period'),
        region: identifier('region name').optional(),
        resourceType: z.enum(billableTypes).optional(),
        tagKey: z.string().min(1).max(128).optional().describe('cost by this tag'),
        format: z.enum(['json', 'csv']).default('json'),
      })
      // By day, as the report counts: from and to may be two times of one day.
      .refine((v) => utcDay(v.from) <= utcDay(v.to), { message: 'from must not be after to', path: ['from'] })
      .refine((v) => Date.parse(utcDay(v.to)) - Date.parse(utcDay(v.from)) <= 400 * 86_400_000, { message: 'a report covers at most 400 days', path: ['to'] }),
    output: z.object({
      kind: z.enum(reportKinds),
      from: z.string(),
      to: z.string(),
      columns: z.array(z.string()),
      rows: z
        .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
        .describe('one object per row, with the columns named in columns; cost is exact decimal text, unrounded (two to ten places)'),
      totals: z
        .array(z.object({ currency: z.string(), cost: decimalAmount }))
        .describe("what the report's records cost, by currency, each record once: the exact sum, unrounded"),
      csv: z.string().optional(),
    }),
    permission: 'DESCRIBE_BILLING_REPORT',
    feature: 'reporting',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenantOrCustomer', tenantField: 'tenant', customerField: 'customer' },
  }),
  run: defineCommand({
    summary: 'Bill every complete hour not billed yet, now (the hourly job does it on its own)',
    input: z.strictObject({}),
    output: z.object({ hours: z.array(z.object({ hour: z.string(), billed: z.boolean(), records: z.number() })) }),
    permission: 'RUN_BILLING',
    feature: 'reporting',
    audit: null,
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
