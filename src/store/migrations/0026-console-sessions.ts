/**
 * Console log-in (docs/console.md): sessions kept in the database, so that any node behind a load
 * balancer knows them and a revocation on one node holds on all. Only a hash of the cookie value
 * is stored: someone who reads the table cannot take over a session. Failed log-ins are kept here
 * too, so the rate limit holds across nodes. Neither table is a projection of the event log (the
 * log records the log-ins themselves); neither references users, which a rebuild truncates.
 */
export default {
  version: 26,
  name: 'console-sessions',
  sql: /* sql */ `
CREATE TABLE console_sessions (
  id             uuid PRIMARY KEY,
  token_hash     text NOT NULL UNIQUE,
  user_id        uuid NOT NULL,
  address        text,
  created_at     timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text
);
CREATE INDEX console_sessions_user ON console_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

CREATE TABLE console_login_failures (
  id        bigserial PRIMARY KEY,
  user_name text NOT NULL,
  address   text NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX console_login_failures_user ON console_login_failures (user_name, address, failed_at);
CREATE INDEX console_login_failures_address ON console_login_failures (address, failed_at);
`,
};
