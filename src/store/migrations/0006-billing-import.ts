/**
 * Public billing import (seed §3.4.2): which tenant each billing sub-account belongs to, the
 * record of each FOCUS import (both projections of their events), and the daily costs each
 * import contributed per sub-account and billing period. Those contributions are what a new
 * import of the same sub-account and billing period replaces; the public daily tenant records
 * are their sums. The provider's rows themselves are never kept.
 */
export default {
  version: 6,
  name: 'billing-import',
  sql: /* sql */ `
CREATE TABLE billing_accounts (
  cloud       text NOT NULL,
  account     text NOT NULL,
  name        text NOT NULL,
  tenant_id   uuid NOT NULL,
  customer_id uuid NOT NULL,
  mapped_at   timestamptz NOT NULL,
  PRIMARY KEY (cloud, account)
);
CREATE INDEX billing_accounts_tenant ON billing_accounts (tenant_id);

CREATE TABLE billing_imports (
  id          uuid PRIMARY KEY,
  file        text NOT NULL,
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL,
  summary     jsonb NOT NULL
);

-- Not a projection: the output of imports, like daily_tenant_records (a rebuild leaves it alone).
CREATE TABLE public_billing_costs (
  cloud                text NOT NULL,
  account              text NOT NULL,
  billing_period_start timestamptz NOT NULL,
  day                  date NOT NULL,
  region               text NOT NULL,
  service              text NOT NULL,
  tags_key             text NOT NULL,
  currency             text NOT NULL,
  tenant_id            uuid NOT NULL,
  cost                 numeric(24, 10) NOT NULL,
  import_id            uuid NOT NULL,
  PRIMARY KEY (cloud, account, billing_period_start, day, region, service, tags_key, currency)
);
CREATE INDEX public_billing_costs_tenant_day ON public_billing_costs (tenant_id, cloud, day);
`,
};
