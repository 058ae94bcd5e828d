/**
 * Billing (seed §3.4.2, §3.4.3): price policies per private region, the timelines of billable
 * resources (a projection of their events), the hourly billing records written from them, the
 * hours already billed, and the daily tenant records that private billing and imported public
 * billing both end in (reports aggregate them by week and month).
 */
export default {
  version: 5,
  name: 'billing',
  sql: /* sql */ `
CREATE TABLE price_policies (
  id             uuid PRIMARY KEY,
  region_id      uuid NOT NULL,
  effective_from timestamptz NOT NULL,
  currency       text NOT NULL,
  prices         jsonb NOT NULL,
  description    text NOT NULL,
  created_at     timestamptz NOT NULL,
  CONSTRAINT price_policies_region_start_unique UNIQUE (region_id, effective_from)
);

-- One row per billable resource: what it is (spec) and its billed states as segments
-- [{state, from, to}]. The spec is kept here because the resource's own row goes on deletion.
CREATE TABLE billing_timelines (
  resource_id   uuid PRIMARY KEY,
  resource_type text NOT NULL,
  tenant_id     uuid NOT NULL,
  region_id     uuid NOT NULL,
  spec          jsonb NOT NULL,
  segments      jsonb NOT NULL,
  open          boolean NOT NULL,
  closed_at     timestamptz,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX billing_timelines_open ON billing_timelines (region_id) WHERE open;
CREATE INDEX billing_timelines_closed ON billing_timelines (closed_at) WHERE NOT open;

CREATE TABLE billing_records (
  resource_id    uuid NOT NULL,
  hour           timestamptz NOT NULL,
  state          text NOT NULL,
  resource_type  text NOT NULL,
  tenant_id      uuid NOT NULL,
  region_id      uuid NOT NULL,
  seconds        integer NOT NULL,
  billed_seconds integer NOT NULL,
  cost           numeric(24, 10) NOT NULL,
  currency       text NOT NULL,
  policy_id      uuid,
  tags           jsonb NOT NULL,
  PRIMARY KEY (resource_id, hour, state)
);
CREATE INDEX billing_records_tenant_hour ON billing_records (tenant_id, hour);
CREATE INDEX billing_records_hour ON billing_records (hour);

CREATE TABLE billing_runs (
  hour         timestamptz PRIMARY KEY,
  records      integer NOT NULL,
  cost         numeric(24, 10) NOT NULL,
  node         text NOT NULL,
  completed_at timestamptz NOT NULL
);

-- What reports read: private billing (from billing_records) and public billing (FOCUS imports).
CREATE TABLE daily_tenant_records (
  tenant_id uuid NOT NULL,
  day       date NOT NULL,
  source    text NOT NULL,
  cloud     text NOT NULL,
  region    text NOT NULL,
  service   text NOT NULL,
  -- The tags as canonical JSON ('' for none), so that a day's cost splits by tag set.
  tags_key  text NOT NULL,
  tags      jsonb NOT NULL,
  cost      numeric(24, 10) NOT NULL,
  currency  text NOT NULL,
  import_id uuid,
  PRIMARY KEY (tenant_id, day, source, cloud, region, service, tags_key)
);
CREATE INDEX daily_tenant_records_day ON daily_tenant_records (day);

`,
};
