/**
 * The job engine (seed §3.5.3): persistent jobs claimed under leases, recurring definitions that
 * enqueue them, and the nodes that run them with their heartbeats. Operational state, not
 * projections: a rebuild leaves these tables alone.
 */
export default {
  version: 8,
  name: 'jobs',
  sql: /* sql */ `
CREATE TABLE jobs (
  id              uuid PRIMARY KEY,
  type            text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'processing', 'success', 'failed', 'postponed')),
  -- higher runs first
  priority        integer NOT NULL,
  -- not before
  run_at          timestamptz NOT NULL,
  -- claims so far, the one running included; with node_id, the fencing token of a lease
  attempts        integer NOT NULL,
  max_attempts    integer NOT NULL,
  -- the first retry's delay; each further retry doubles it
  backoff_ms      integer NOT NULL,
  idempotency_key text,
  -- the recurring definition that enqueued it, if any
  recurring       text,
  tenant_id       uuid,
  customer_id     uuid,
  -- the node holding the lease, or the one that held it last
  node_id         uuid,
  lease_until     timestamptz,
  result          jsonb,
  error           text,
  error_stack     text,
  created_at      timestamptz NOT NULL,
  started_at      timestamptz,
  finished_at     timestamptz,
  updated_at      timestamptz NOT NULL,
  CONSTRAINT jobs_idempotency_key_unique UNIQUE (idempotency_key)
);
-- What workers claim, most urgent first; only waiting jobs are in it, so it stays small.
CREATE INDEX jobs_due ON jobs (priority DESC, run_at, id) WHERE status IN ('pending', 'postponed');
-- Leases that may have expired.
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE status = 'processing';
-- The administrators' list by status, newest first.
CREATE INDEX jobs_status ON jobs (status, id);
-- Clean-up of finished jobs.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('success', 'failed');

CREATE TABLE recurring_jobs (
  name               text PRIMARY KEY,
  -- exactly one of: a cron expression (in time_zone), or a fixed interval counted from the epoch
  cron               text,
  every_ms           bigint,
  time_zone          text NOT NULL,
  type               text NOT NULL,
  payload            jsonb NOT NULL,
  priority           integer NOT NULL,
  enabled            boolean NOT NULL,
  next_run_at        timestamptz,
  last_scheduled_for timestamptz,
  last_job_id        uuid,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT recurring_jobs_schedule CHECK ((cron IS NULL) <> (every_ms IS NULL))
);
CREATE INDEX recurring_jobs_due ON recurring_jobs (next_run_at) WHERE enabled;

CREATE TABLE nodes (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  host         text NOT NULL,
  pid          integer NOT NULL,
  url          text,
  version      text NOT NULL,
  started_at   timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  -- running or stopped; a running node whose heartbeat is too old is shown as lost
  status       text NOT NULL,
  load         jsonb NOT NULL
);
CREATE INDEX nodes_heartbeat ON nodes (heartbeat_at);
`,
};
