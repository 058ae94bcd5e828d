import { z } from 'zod';
import { decimalAmount } from './billing.js';
import type { CloudKind } from './clouds.js';
import { timestamp } from './common.js';

/**
 * Public billing (seed §3.4.2): cost and usage files in the FinOps FOCUS format (1.0 and later)
 * are imported into daily tenant records. What the import commands and the `billing.imported`
 * audit event share lives here.
 */

/** The clouds whose FOCUS exports Maestro imports; a provider of another cloud is rejected by row. */
export const publicBillingClouds = ['AWS', 'AZURE', 'GOOGLE', 'OCI'] as const satisfies readonly CloudKind[];
export type PublicBillingCloud = (typeof publicBillingClouds)[number];

/** How many rejected rows an import describes one by one; the rest are counted. */
export const REJECTIONS_IN_DETAIL = 20;
/** How many unknown sub-accounts an import lists (the most rows first); the rest are counted. */
export const UNKNOWN_ACCOUNTS_IN_DETAIL = 100;

/** A FOCUS SubAccountId as it appears in the file: an AWS account, an Azure subscription, a GCP project. */
export const billingAccountId = z
  .string()
  .trim()
  .min(1, 'account must not be empty')
  .max(256, 'account must be at most 256 characters')
  .regex(/^[^\p{Cc}]+$/u, 'account must not contain control characters')
  .describe('the FOCUS SubAccountId: AWS account id, Azure subscription id, GCP project id');

const cloud = z.enum(publicBillingClouds);
const amount = z.object({ currency: z.string(), cost: decimalAmount });

export const billingImportSummary = z.object({
  id: z.string(),
  file: z.string().describe('the file name'),
  path: z.string(),
  compression: z.enum(['none', 'gzip']),
  providers: z.array(z.object({ provider: z.string().describe('ProviderName as in the file'), cloud, rows: z.number() })),
  billingPeriods: z.array(z.object({ cloud, start: timestamp, end: timestamp })),
  rows: z.object({
    read: z.number().describe('data rows in the file'),
    accepted: z.number().describe('rows that passed validation'),
    rejected: z.number().describe('rows that did not; see rejections'),
    imported: z.number().describe('accepted rows of mapped sub-accounts, now in daily tenant records'),
    unmapped: z.number().describe('accepted rows of sub-accounts mapped to no tenant; see unknownAccounts'),
  }),
  rejections: z.array(z.object({ line: z.number(), reason: z.string() })).describe(`the first ${REJECTIONS_IN_DETAIL} rejected rows`),
  rejectionsByReason: z.array(z.object({ reason: z.string(), rows: z.number() })),
  unknownAccounts: z
    .array(z.object({ cloud, account: z.string(), name: z.string(), rows: z.number(), costs: z.array(amount) }))
    .describe(`sub-accounts mapped to no tenant (the first ${UNKNOWN_ACCOUNTS_IN_DETAIL} by rows): map them and import the file again`),
  unknownAccountCount: z.number(),
  totals: z
    .array(z.object({ currency: z.string(), effectiveCost: decimalAmount, billedCost: decimalAmount.nullable() }))
    .describe(
      'the imported rows, by billing currency, summed exactly to the last decimal place the file carries; billedCost is null when the file has no BilledCost column',
    ),
  replaced: z.object({
    accountPeriods: z.number().describe('sub-account × billing period pairs of the file: their earlier figures were replaced'),
    previousEntries: z.number().describe('daily cost entries of earlier imports removed'),
  }),
  dailyRecords: z.number().describe('daily tenant records written'),
});
export type BillingImportSummary = z.output<typeof billingImportSummary>;
