/**
 * Quotas and approvals (seed §3.4.1): daily resource quotas per tenant and region, the ledger of
 * what was created that they count (terminated instances and deleted volumes included), monthly
 * cost quotas with the thresholds already announced, and the requests held for approval.
 */
export default {
  version: 7,
  name: 'quotas',
  sql: /* sql */ `
CREATE TABLE daily_quotas (
  tenant_id      uuid NOT NULL,
  region_id      uuid NOT NULL,
  interval_hours integer NOT NULL,
  -- null: no limit
  instances      integer,
  cpu            integer,
  ram_mb         integer,
  volumes        integer,
  storage_gb     integer,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, region_id)
);

CREATE TABLE quota_creations (
  resource_id uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  region_id   uuid NOT NULL,
  kind        text NOT NULL,
  cpu         integer NOT NULL,
  ram_mb      integer NOT NULL,
  storage_gb  integer NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX quota_creations_window ON quota_creations (tenant_id, region_id, created_at);

CREATE TABLE monthly_quotas (
  id                uuid PRIMARY KEY,
  tenant_id         uuid NOT NULL,
  scope             text NOT NULL,
  -- the cloud code or region name; '' for scope all
  target            text NOT NULL,
  amount            numeric(24, 10) NOT NULL,
  currency          text NOT NULL,
  notify_at_percent integer,
  action            text NOT NULL,
  -- the sequence number of the event that set it: thresholds are announced once per revision and month
  revision          bigint NOT NULL,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT monthly_quotas_place_unique UNIQUE (tenant_id, scope, target)
);

CREATE TABLE quota_thresholds (
  quota_id   uuid NOT NULL,
  revision   bigint NOT NULL,
  month      text NOT NULL,
  percent    integer NOT NULL,
  spent      numeric(24, 10) NOT NULL,
  reached_at timestamptz NOT NULL,
  PRIMARY KEY (quota_id, revision, month, percent)
);

CREATE TABLE approvals (
  id             uuid PRIMARY KEY,
  tenant_id      uuid NOT NULL,
  command        text NOT NULL,
  input          jsonb NOT NULL,
  requester_id   uuid,
  requester_name text NOT NULL,
  reason         text NOT NULL,
  quota_ids      jsonb NOT NULL,
  state          text NOT NULL,
  requested_at   timestamptz NOT NULL,
  decided_by     text,
  decided_at     timestamptz,
  comment        text,
  error          text,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX approvals_tenant ON approvals (tenant_id, state, id);
CREATE INDEX approvals_approved ON approvals (id) WHERE state = 'approved';
`,
};
