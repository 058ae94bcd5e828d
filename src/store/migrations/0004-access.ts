/**
 * Access control and licensing read models (seed §3.2): custom permission groups and roles per
 * customer, permission mappings at four levels, roles blocked in tenants, roles held at customer
 * level, licences, and the sequence of the last change to any of them, which every node compares
 * against its cache before it authorises a call.
 */
export default {
  version: 4,
  name: 'access',
  sql: /* sql */ `
CREATE TABLE permission_groups (
  customer_id uuid NOT NULL,
  name        text NOT NULL,
  description text NOT NULL,
  actions     text[] NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (customer_id, name)
);

CREATE TABLE roles (
  customer_id uuid NOT NULL,
  name        text NOT NULL,
  description text NOT NULL,
  groups      text[] NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (customer_id, name)
);

CREATE TABLE permission_mappings (
  customer_id uuid NOT NULL,
  level       text NOT NULL,
  -- The zero uuid and '' stand for "none", so that the key can be a primary key.
  tenant_id   uuid NOT NULL,
  role        text NOT NULL,
  user_id     uuid NOT NULL,
  groups      text[] NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (customer_id, level, tenant_id, role, user_id)
);

CREATE TABLE blocked_roles (
  tenant_id   uuid NOT NULL,
  role        text NOT NULL,
  customer_id uuid NOT NULL,
  blocked_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, role)
);
CREATE INDEX blocked_roles_customer ON blocked_roles (customer_id);

CREATE TABLE customer_roles (
  user_id     uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  role        text NOT NULL,
  granted_at  timestamptz NOT NULL
);
CREATE INDEX customer_roles_customer ON customer_roles (customer_id);

CREATE TABLE licenses (
  customer_id uuid PRIMARY KEY,
  edition     text NOT NULL,
  ends_at     timestamptz,
  grace_days  integer NOT NULL,
  suspended   boolean NOT NULL,
  toggles     jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE access_version (
  id  integer PRIMARY KEY,
  seq bigint NOT NULL
);
`,
};
