/**
 * Requests seen within the signature window, shared by every node on one PostgreSQL, so that a
 * captured request cannot be replayed to another node behind the same load balancer. Unlogged:
 * after a crash the table may be empty, and then only requests seen in the minutes before the
 * crash could be replayed, to a node that also forgot them.
 */
export default {
  version: 11,
  name: 'request-replays',
  sql: /* sql */ `
CREATE UNLOGGED TABLE request_replays (
  key        text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX request_replays_expiry ON request_replays (expires_at);
`,
};
