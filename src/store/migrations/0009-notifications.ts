/**
 * Notifications (seed §3.5.1). Two kinds of table:
 * - what the notification consumer derives from the log, kept compactly and left alone by a
 *   rebuild (like billing's records): each notification once (type, priority, the data its
 *   templates are filled with, the rendered subject and text), who it is for, and one row per
 *   e-mail or push message to send, with its attempts;
 * - projections of the users' and administrators' choices: read marks, subscriptions, tenant
 *   defaults, customers' templates, push subscriptions.
 */
export default {
  version: 9,
  name: 'notifications',
  sql: /* sql */ `
CREATE TABLE notifications (
  id          uuid PRIMARY KEY,
  -- the event it tells of: one notification per event and type, however often the log is read
  event_id    uuid NOT NULL,
  type        text NOT NULL,
  priority    text NOT NULL,
  customer_id uuid,
  tenant_id   uuid,
  data        jsonb NOT NULL,
  subject     text NOT NULL,
  body        text NOT NULL,
  -- e-mail addresses told besides users (tenant contacts)
  contacts    jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  CONSTRAINT notifications_event_unique UNIQUE (event_id, type)
);
CREATE INDEX notifications_customer ON notifications (customer_id, id);

-- Every user a notification is for, whatever their subscriptions: the Notifications page.
CREATE TABLE notification_recipients (
  user_id         uuid NOT NULL,
  notification_id uuid NOT NULL,
  PRIMARY KEY (user_id, notification_id)
);
CREATE INDEX notification_recipients_notification ON notification_recipients (notification_id);

CREATE TABLE notification_deliveries (
  id              uuid PRIMARY KEY,
  notification_id uuid NOT NULL,
  channel         text NOT NULL,
  -- null for tenant contacts
  user_id         uuid,
  -- the e-mail address, or the push subscription's id
  target          text NOT NULL,
  status          text NOT NULL,
  attempts        integer NOT NULL,
  -- when a pending delivery is due; a node sending it pushes this forward as its lease
  next_attempt_at timestamptz,
  last_error      text,
  sent_at         timestamptz,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_notification ON notification_deliveries (notification_id);
CREATE INDEX notification_deliveries_failed ON notification_deliveries (notification_id) WHERE status = 'failed';

CREATE TABLE notification_reads (
  user_id         uuid NOT NULL,
  notification_id uuid NOT NULL,
  read_at         timestamptz NOT NULL,
  PRIMARY KEY (user_id, notification_id)
);

CREATE TABLE notification_subscriptions (
  user_id    uuid NOT NULL,
  type       text NOT NULL,
  channel    text NOT NULL,
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, type, channel)
);

CREATE TABLE notification_defaults (
  tenant_id  uuid NOT NULL,
  type       text NOT NULL,
  channel    text NOT NULL,
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, type, channel)
);

CREATE TABLE notification_templates (
  customer_id uuid NOT NULL,
  type        text NOT NULL,
  part        text NOT NULL,
  template    text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (customer_id, type, part)
);

CREATE TABLE push_subscriptions (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  endpoint    text NOT NULL,
  keys_sealed text NOT NULL,
  label       text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
`,
};
