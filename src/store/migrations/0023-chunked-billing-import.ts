/**
 * Public billing imports run as jobs, in chunks that let other calls through (docs/billing-import.md):
 * - a job reports its progress (rows read, bytes, rate …) while it runs, written under its lease;
 * - an import's daily costs are staged, chunk by chunk, then swapped in by one short transaction,
 *   so a failed or killed import changes nothing visible (staged rows are the job attempt's own);
 * - the sub-accounts imports have seen, mapped or not, with their names: what the pattern rules of
 *   a bulk mapping file match.
 */
export default {
  version: 23,
  name: 'chunked-billing-import',
  sql: /* sql */ `
ALTER TABLE jobs ADD COLUMN progress jsonb;

-- Not a projection: an import job's daily costs, read and not yet swapped in. Rows of an attempt
-- that did not swap are removed by the next attempt or the next import.
CREATE TABLE billing_import_staging (
  job_id               uuid NOT NULL,
  attempt              integer NOT NULL,
  cloud                text NOT NULL,
  account              text NOT NULL,
  billing_period_start timestamptz NOT NULL,
  day                  date NOT NULL,
  region               text NOT NULL,
  service              text NOT NULL,
  tags_key             text NOT NULL,
  currency             text NOT NULL,
  tenant_id            uuid NOT NULL,
  cost                 numeric(24, 10) NOT NULL
);
CREATE INDEX billing_import_staging_job ON billing_import_staging (job_id, attempt);

-- Not a projection: written by the import that saw the sub-account (a rebuild leaves it alone).
CREATE TABLE billing_seen_accounts (
  cloud          text NOT NULL,
  account        text NOT NULL,
  -- the FOCUS SubAccountName of the latest import that named it ('' when none did)
  name           text NOT NULL,
  last_import_id uuid NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  PRIMARY KEY (cloud, account)
);
`,
};
