/**
 * Instance schedules (docs/schedules.md): each schedule with what it targets and the last due
 * time a node claimed for it, and the record of every execution.
 */
export default {
  version: 10,
  name: 'schedules',
  sql: /* sql */ `
CREATE TABLE schedules (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL,
  name          text NOT NULL,
  description   text NOT NULL,
  cron          text NOT NULL,
  time_zone     text NOT NULL,
  action        text NOT NULL,
  enabled       boolean NOT NULL,
  -- instances attached by id, and tag selectors [{key, value|null}]
  instance_ids  jsonb NOT NULL,
  tag_selectors jsonb NOT NULL,
  creator_id    uuid,
  creator_name  text NOT NULL,
  -- due times count from here: creation, enabling, a new cron expression or time zone
  active_since  timestamptz NOT NULL,
  -- the last due time an execution was claimed for: moved with the execution record, under the schedule's lock
  last_due      timestamptz,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT schedules_name_unique UNIQUE (tenant_id, name) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX schedules_enabled ON schedules (id) WHERE enabled;

CREATE TABLE schedule_executions (
  id            uuid PRIMARY KEY,
  schedule_id   uuid NOT NULL,
  tenant_id     uuid NOT NULL,
  schedule_name text NOT NULL,
  action        text NOT NULL,
  due_at        timestamptz NOT NULL,
  state         text NOT NULL,
  -- [{id, name, outcome|null, message|null}]
  instances     jsonb NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz
);
CREATE INDEX schedule_executions_tenant ON schedule_executions (tenant_id, id);
CREATE INDEX schedule_executions_schedule ON schedule_executions (schedule_id, id);
`,
};
