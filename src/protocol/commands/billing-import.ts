import { z } from 'zod';
import { billingAccountId, billingImportSummary, publicBillingClouds } from '../billing-import.js';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, ok, page, pageInput, timestamp } from '../common.js';
import { jobStatuses } from '../jobs.js';

const cloud = z.enum(publicBillingClouds).describe('the cloud of the FOCUS ProviderName: AWS, AZURE (Microsoft), GOOGLE (Google Cloud)');

const billingAccount = z.object({
  cloud: z.enum(publicBillingClouds),
  account: z.string(),
  name: z.string(),
  tenant: z.string(),
  customer: z.string(),
  mappedAt: timestamp,
});

const billingImport = billingImportSummary.extend({ importedBy: z.string(), importedAt: timestamp });

const importDescription =
  "The file is a FOCUS 1.0 (or later) cost and usage export, CSV or gzip CSV, at a path on the server. Each row's " +
  'EffectiveCost (amortised) is spread over the UTC days of its charge period and summed into daily tenant records by ' +
  'tenant, day, cloud, region, service and tag set. A file replaces, for each sub-account and billing period it ' +
  'contains, what earlier imports recorded for them: importing it again changes nothing. Rows that fail validation are ' +
  'reported with their line numbers; rows of sub-accounts mapped to no tenant are reported by account. The import runs as ' +
  'a job, in chunks that let other calls through; nothing of it is visible until it has ended.';

/** Some tens of thousands of lines: a mapping file is written by hand or exported from a spreadsheet. */
export const MAPPING_FILE_MAX_CHARS = 4 * 2 ** 20;

const mapFileDescription =
  'CSV: a header naming the columns cloud, account (or SubAccountId), tenant and optionally name, then one sub-account per ' +
  'line. YAML: `accounts` (a list of cloud, account, tenant, name) and `rules`, each matching sub-accounts seen by imports ' +
  'and mapped to no tenant by account or name, with a glob (`acme-*`) or a /regular expression/, and naming the tenant ' +
  'or a template of it (`ACME-{1}`, `{name}`). The whole file is checked first: every problem is reported with its line ' +
  'and nothing changes; then every mapping is made in one transaction, each audited as billingAccount.mapped.';

export const billingAccounts = defineManager('billingAccounts', 'billing-account', {
  map: defineCommand({
    summary: 'Map a billing sub-account (AWS account, Azure subscription, GCP project) to a tenant: its imported costs go there',
    input: z.strictObject({
      cloud,
      account: billingAccountId,
      tenant: identifier('tenant name'),
      name: displayText(256).optional().describe('a label for the account; the FOCUS SubAccountName is a good one'),
    }),
    output: billingAccount.extend({ previousTenant: z.string().nullable().describe('the tenant it was mapped to before, if another') }),
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  mapFile: defineCommand({
    summary: 'Map many billing sub-accounts to tenants at once, from a mapping file (CSV or YAML) with accounts and pattern rules',
    description: mapFileDescription,
    input: z.strictObject({
      content: z
        .string()
        .min(1, 'the mapping file is empty')
        .max(MAPPING_FILE_MAX_CHARS, `a mapping file holds at most ${MAPPING_FILE_MAX_CHARS} characters`)
        .describe("the mapping file's text; the CLI reads it with --file"),
      format: z.enum(['csv', 'yaml']).optional().describe('left out: YAML when the text starts with accounts:, rules: or ---, CSV otherwise'),
      dryRun: z.boolean().default(false).describe('check the file and show what it would change, without changing anything'),
    }),
    output: z.object({
      dryRun: z.boolean(),
      changes: z
        .array(
          z.object({
            cloud: z.enum(publicBillingClouds),
            account: z.string(),
            name: z.string(),
            tenant: z.string(),
            previousTenant: z.string().nullable().describe('the tenant it was mapped to before; null for a new mapping'),
            from: z.string().describe('the line or rule of the file that maps it'),
          }),
        )
        .describe('the mappings made (or, in a dry run, that would be made)'),
      unchanged: z.number().int().describe('sub-accounts the file maps to the tenant they are mapped to already'),
      rules: z.array(z.object({ line: z.number().int(), pattern: z.string(), matched: z.number().int() })).describe('each rule with the sub-accounts it matched'),
    }),
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
    cli: { columns: ['cloud', 'account', 'name', 'tenant', 'previousTenant', 'from'], files: { file: 'content' } },
  }),
  unmap: defineCommand({
    summary: 'Remove the mapping of a billing sub-account; costs already imported stay with their tenant',
    input: z.strictObject({ cloud, account: billingAccountId }),
    output: ok,
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: 'List the billing sub-accounts mapped to tenants',
    input: z.strictObject({
      cloud: cloud.optional(),
      tenant: identifier('tenant name').optional(),
      account: billingAccountId.optional(),
      ...pageInput,
    }),
    output: page(billingAccount),
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: null,
    audience: 'admin',
    scope: { kind: 'platform' },
    cli: { columns: ['cloud', 'account', 'name', 'tenant', 'customer', 'mappedAt'] },
  }),
});

export const billingImports = defineManager('billingImports', 'billing-import', {
  import: defineCommand({
    summary: 'Import public billing from a FOCUS cost and usage file (CSV or .csv.gz) on the server',
    description: importDescription,
    input: z.strictObject({
      path: z.string().trim().min(1).max(4096).describe('absolute path of the .csv or .csv.gz file on the server'),
      dryRun: z.boolean().default(false).describe('read and check the file and report, without recording anything'),
      wait: z
        .boolean()
        .default(false)
        .describe('answer once the import has ended, with its summary (the call stays open meanwhile); otherwise answer the job at once'),
    }),
    output: z.object({
      job: z
        .object({ id: z.string().uuid(), status: z.enum(jobStatuses) })
        .describe('the job that runs the import: `maestro admin job describe --id <id>` shows its progress, then the summary as its result'),
      import: billingImport
        .extend({ dryRun: z.boolean() })
        .nullable()
        .describe('the summary of the ended import when the call waited for it (wait); null otherwise'),
    }),
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: 'List public billing imports, newest first, or describe one',
    input: z.strictObject({ id: z.string().uuid().optional(), ...pageInput }),
    output: page(billingImport),
    permission: 'MANAGE_BILLING_IMPORT',
    feature: 'reporting',
    audit: null,
    audience: 'admin',
    scope: { kind: 'platform' },
    cli: { columns: ['id', 'file', 'importedAt', 'importedBy', 'rows.read', 'rows.imported', 'rows.rejected', 'rows.unmapped', 'unknownAccountCount'] },
  }),
});
