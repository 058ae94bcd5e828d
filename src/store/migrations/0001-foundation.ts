/** The event log, consumer checkpoints, and the organisation read models. */
export default {
  version: 1,
  name: 'foundation',
  sql: /* sql */ `
CREATE TABLE event_log (
  seq             bigint PRIMARY KEY,
  id              uuid NOT NULL UNIQUE,
  type            text NOT NULL,
  time            timestamptz NOT NULL,
  event_type      text NOT NULL,
  action          text NOT NULL,
  outcome         text NOT NULL,
  initiator       jsonb NOT NULL,
  target_type_uri text NOT NULL,
  target_id       text NOT NULL,
  target_name     text,
  observer        jsonb NOT NULL,
  customer_id     uuid,
  tenant_id       uuid,
  region          text,
  request_id      text,
  reason          jsonb,
  data            jsonb NOT NULL
);
CREATE INDEX event_log_tenant ON event_log (tenant_id, seq);
CREATE INDEX event_log_target ON event_log (target_id, seq);
CREATE INDEX event_log_time ON event_log (time);

-- One row. Appending events takes its lock, so sequence numbers commit in order and have no gaps:
-- a reader that has seen seq N has seen every event before it.
CREATE TABLE event_log_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq       bigint NOT NULL
);
INSERT INTO event_log_head (seq) VALUES (0);

CREATE TABLE consumer_checkpoints (
  consumer   text PRIMARY KEY,
  seq        bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  display_name text NOT NULL,
  status       text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT customers_name_unique UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE tenant_groups (
  id          uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  name        text NOT NULL,
  description text NOT NULL,
  created_at  timestamptz NOT NULL,
  CONSTRAINT tenant_groups_name_unique UNIQUE (customer_id, name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE tenants (
  id           uuid PRIMARY KEY,
  customer_id  uuid NOT NULL,
  group_id     uuid,
  name         text NOT NULL,
  display_name text NOT NULL,
  description  text NOT NULL,
  status       text NOT NULL,
  contacts     jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT tenants_name_unique UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX tenants_customer ON tenants (customer_id, name);

CREATE TABLE regions (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  cloud       text NOT NULL,
  kind        text NOT NULL,
  native_name text NOT NULL,
  status      text NOT NULL,
  description text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  CONSTRAINT regions_name_unique UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE tenant_regions (
  tenant_id    uuid NOT NULL,
  region_id    uuid NOT NULL,
  activated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, region_id)
);
CREATE INDEX tenant_regions_region ON tenant_regions (region_id);

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  display_name  text NOT NULL,
  email         text,
  customer_id   uuid,
  system_admin  boolean NOT NULL,
  status        text NOT NULL,
  password_hash text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT users_name_unique UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE user_roles (
  user_id    uuid NOT NULL,
  tenant_id  uuid NOT NULL,
  role       text NOT NULL,
  granted_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_roles_tenant ON user_roles (tenant_id);

CREATE TABLE access_keys (
  access_key       text PRIMARY KEY,
  user_id          uuid NOT NULL,
  secret_encrypted text NOT NULL,
  description      text NOT NULL,
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz
);
CREATE INDEX access_keys_user ON access_keys (user_id);
`,
};
