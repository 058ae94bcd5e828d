import { z } from 'zod';
import { cloudKinds } from '../clouds.js';
import { defineCommand, defineManager } from '../command.js';
import { calendarMonth, identifier, ok, timestamp } from '../common.js';
import { costQuotaActions, costQuotaScopes, DEFAULT_CREATION_INTERVAL_HOURS } from '../quotas.js';
import { tenantScope } from './compute-schemas.js';
import { tenantPicker, tenantRegionPicker } from './ui-pickers.js';

const tenantCommand = { feature: 'quotas', audience: 'user', scope: { kind: 'tenant', field: 'tenant' } } as const;

const count = (what: string) => z.number().int().min(0).max(1_000_000).optional().describe(what);

const dailyLimits = {
  instances: count('instances that may be created in the window'),
  cpu: count('virtual CPUs of the instances created in the window'),
  ramGb: z.number().min(0).max(1_000_000).optional().describe('RAM (GB) of the instances created in the window'),
  volumes: count('volumes that may be created in the window'),
  storageGb: count('GB of the volumes created in the window'),
};

const limitOrNone = z.number().nullable().describe('null: no limit');
const dailyAmounts = { instances: z.number(), cpu: z.number(), ramGb: z.number(), volumes: z.number(), storageGb: z.number() };

const dailyQuota = z.object({
  tenant: z.string(),
  region: z.string(),
  intervalHours: z.number().int(),
  limits: z.object({
    instances: limitOrNone,
    cpu: limitOrNone,
    ramGb: limitOrNone,
    volumes: limitOrNone,
    storageGb: limitOrNone,
  }),
  used: z.object(dailyAmounts).describe('created in the window ending now, terminated instances and deleted volumes included'),
  windowStart: timestamp,
  updatedAt: timestamp,
});

/** Where a monthly quota applies: `scope`, with `cloud` for scope cloud and `region` for scope region. */
const costPlace = {
  scope: z.enum(costQuotaScopes).default('all').describe('all regions, the regions of one cloud, or one region'),
  cloud: z.enum(cloudKinds).optional().describe('for scope cloud'),
  region: identifier('region name').optional().describe('for scope region'),
};

const placeIsWhole = (v: { scope: string; cloud?: string | undefined; region?: string | undefined }) =>
  (v.scope === 'cloud') === (v.cloud !== undefined) && (v.scope === 'region') === (v.region !== undefined);
const placeProblem = { message: 'give cloud with scope cloud, region with scope region, and neither with scope all', path: ['scope'] };

const monthlyQuota = z.object({
  id: z.string(),
  tenant: z.string(),
  scope: z.enum(costQuotaScopes),
  cloud: z.string().nullable(),
  region: z.string().nullable(),
  limit: z.number(),
  currency: z.string(),
  notifyAtPercent: z.number().int().nullable(),
  action: z.enum(costQuotaActions),
  month: calendarMonth.describe('the calendar month (UTC) spending is counted in, YYYY-MM'),
  spent: z.number().describe('spent this month where the quota applies, in its currency'),
  percent: z.number(),
  updatedAt: timestamp,
});

const publicIpQuota = z.object({
  tenant: z.string(),
  region: z.string().nullable().describe('null: the quota covers every region'),
  limit: z.number().int().describe('public IPs the tenant may hold at once'),
  held: z.number().int().describe('public IPs it holds now where the quota applies'),
  updatedAt: timestamp,
});

export const quotas = defineManager('quotas', 'quota', {
  setDaily: defineCommand({
    summary: 'Set the daily resource quota of a tenant in a region: what may be created within a rolling window',
    description:
      'Replaces the whole quota: limits left out are no limits. instances.run is refused (limit_exceeded) when the instances, ' +
      'CPUs or RAM created in the region within the last intervalHours, terminated ones included, plus the request would exceed ' +
      'a limit; volumes.create likewise for volumes and storage. The refusal says what is used, what was asked and when room frees up.',
    input: z
      .strictObject({
        ...tenantScope,
        region: identifier('region name'),
        intervalHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 366)
          .default(DEFAULT_CREATION_INTERVAL_HOURS)
          .describe('the rolling window, in hours (the original creation-interval-hours)'),
        ...dailyLimits,
      })
      .refine((v) => Object.keys(dailyLimits).some((key) => v[key as keyof typeof dailyLimits] !== undefined), {
        message: `give at least one limit: ${Object.keys(dailyLimits).join(', ')}`,
        path: ['instances'],
      }),
    output: dailyQuota,
    permission: 'UPDATE_QUOTA',
    audit: 'update',
    ...tenantCommand,
    ui: {
      title: 'Set a daily resource quota',
      wizard: 'MANAGE_QUOTAS_WIZARD',
      steps: [
        { title: 'Where', fields: ['tenant', 'region', 'intervalHours'] },
        { title: 'Limits', fields: ['instances', 'cpu', 'ramGb', 'volumes', 'storageGb'] },
      ],
      fields: {
        tenant: tenantPicker,
        region: tenantRegionPicker,
        intervalHours: { label: 'Window (hours)', widget: 'number' },
        instances: { label: 'Instances', widget: 'number', help: 'Empty: no limit. Give at least one limit.' },
        cpu: { label: 'CPUs', widget: 'number' },
        ramGb: { label: 'RAM (GB)', widget: 'number' },
        volumes: { label: 'Volumes', widget: 'number' },
        storageGb: { label: 'Storage (GB)', widget: 'number' },
      },
    },
  }),
  describeDaily: defineCommand({
    summary: "A tenant's daily resource quotas, with what was created in each window so far",
    input: z.strictObject({ ...tenantScope, region: identifier('region name').optional() }),
    output: z.object({ items: z.array(dailyQuota) }),
    permission: 'DESCRIBE_QUOTA',
    audit: null,
    ...tenantCommand,
    cli: { columns: ['region', 'intervalHours', 'limits', 'used'] },
  }),
  deleteDaily: defineCommand({
    summary: 'Remove the daily resource quota of a tenant in a region',
    input: z.strictObject({ ...tenantScope, region: identifier('region name') }),
    output: ok,
    permission: 'UPDATE_QUOTA',
    audit: 'delete',
    ...tenantCommand,
  }),
  setMonthly: defineCommand({
    summary: 'Set a monthly cost quota of a tenant: a spending limit for all regions, one cloud or one region, and what happens at 100%',
    description:
      "Spending is this calendar month's (UTC) cost from billing, private and public, in the quota's currency (costs in other " +
      'currencies do not count). When it reaches notifyAtPercent, and always at 100%, a quota.thresholdReached event is recorded once ' +
      'per month for the tenant contacts. At 100% the action applies: stop (Maestro stops the running instances where the quota ' +
      'applies, as the system actor quotas, audited with the reason maestro/quota), approval (instances.run is held until an approver ' +
      'approves it) or deny (instances.run is refused). One quota per place: setting it again replaces it and re-arms its notifications.',
    input: z
      .strictObject({
        ...tenantScope,
        ...costPlace,
        limit: z.number().positive().max(1e12).describe('the monthly spending limit'),
        currency: z
          .string()
          .trim()
          .regex(/^[A-Za-z]{3}$/, 'currency is a three-letter ISO 4217 code, e.g. USD')
          .transform((value) => value.toUpperCase())
          .default('USD'),
        notifyAtPercent: z.number().int().min(1).max(99).optional().describe('notify also when this share is spent; 100% is always notified'),
        action: z.enum(costQuotaActions).describe('at 100%: stop running instances, hold new ones for approval, or deny them'),
      })
      .refine(placeIsWhole, placeProblem),
    output: monthlyQuota,
    permission: 'UPDATE_QUOTA',
    audit: 'update',
    ...tenantCommand,
    ui: {
      title: 'Manage quotas: monthly cost',
      wizard: 'MANAGE_QUOTAS_WIZARD',
      steps: [
        { title: 'Where', fields: ['tenant', 'scope', 'cloud', 'region'] },
        { title: 'Limit', fields: ['limit', 'currency', 'notifyAtPercent', 'action'] },
      ],
      fields: {
        tenant: tenantPicker,
        scope: { label: 'Applies to', widget: 'select' },
        cloud: { label: 'Cloud', widget: 'select', showWhen: { field: 'scope', equals: 'cloud' } },
        region: { ...tenantRegionPicker, showWhen: { field: 'scope', equals: 'region' } },
        limit: { label: 'Monthly limit', widget: 'number' },
        currency: { label: 'Currency', placeholder: 'USD' },
        notifyAtPercent: { label: 'Also notify at (%)', widget: 'number' },
        action: { label: 'At 100%', widget: 'select' },
      },
    },
  }),
  setPublicIps: defineCommand({
    summary: 'Set how many public IPs a tenant may hold at once, in one region or (no region) in all of them',
    description:
      'publicIps.allocate is refused (limit_exceeded) when the tenant already holds the limit where a quota applies; both a ' +
      'region quota and the all-regions quota apply. Setting it again replaces it; a limit below what is held refuses new ' +
      'allocations until some are released.',
    input: z.strictObject({
      ...tenantScope,
      region: identifier('region name').optional().describe('absent: every region'),
      limit: z.number().int().min(0).max(100_000),
    }),
    output: publicIpQuota,
    permission: 'UPDATE_QUOTA',
    audit: 'update',
    ...tenantCommand,
    ui: {
      title: 'Set the public IP quota',
      wizard: 'MANAGE_QUOTAS_WIZARD',
      fields: {
        tenant: tenantPicker,
        region: { ...tenantRegionPicker, help: 'Empty: the quota covers every region.' },
        limit: { label: 'Public IPs at once', widget: 'number' },
      },
    },
  }),
  describePublicIps: defineCommand({
    summary: "A tenant's public IP quotas, with the addresses it holds where each applies",
    input: z.strictObject(tenantScope),
    output: z.object({ items: z.array(publicIpQuota) }),
    permission: 'DESCRIBE_QUOTA',
    audit: null,
    ...tenantCommand,
    cli: { columns: ['region', 'limit', 'held'] },
  }),
  deletePublicIps: defineCommand({
    summary: 'Remove a public IP quota of a tenant',
    input: z.strictObject({ ...tenantScope, region: identifier('region name').optional().describe('absent: the all-regions quota') }),
    output: ok,
    permission: 'UPDATE_QUOTA',
    audit: 'delete',
    ...tenantCommand,
  }),
  describeMonthly: defineCommand({
    summary: "A tenant's monthly cost quotas, with what was spent this month and the share of the limit",
    input: z.strictObject(tenantScope),
    output: z.object({ items: z.array(monthlyQuota) }),
    permission: 'DESCRIBE_QUOTA',
    audit: null,
    ...tenantCommand,
    cli: { columns: ['scope', 'cloud', 'region', 'limit', 'currency', 'spent', 'percent', 'action'] },
  }),
  deleteMonthly: defineCommand({
    summary: 'Remove a monthly cost quota of a tenant',
    input: z.strictObject({ ...tenantScope, ...costPlace }).refine(placeIsWhole, placeProblem),
    output: ok,
    permission: 'UPDATE_QUOTA',
    audit: 'delete',
    ...tenantCommand,
  }),
});
