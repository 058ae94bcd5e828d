/**
 * Private agents (docs/agent.md): the agents administrators registered and their key pairs (both
 * projections of their events), the regions each one serves, and their presence as heartbeats
 * report it — not a projection: a beat every few seconds is no event worth keeping.
 */
export default {
  version: 16,
  name: 'agents',
  sql: /* sql */ `
CREATE TABLE agents (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL,
  created_at  timestamptz NOT NULL,
  CONSTRAINT agents_name_unique UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE agent_keys (
  access_key       text PRIMARY KEY,
  agent_id         uuid NOT NULL,
  secret_encrypted text NOT NULL,
  created_at       timestamptz NOT NULL,
  -- null while current; a rotation sets it to the end of the overlap, retiring a key sets it to now
  retires_at       timestamptz
);
CREATE INDEX agent_keys_agent ON agent_keys (agent_id, created_at);

CREATE TABLE agent_presence (
  agent_id     uuid PRIMARY KEY,
  last_seen    timestamptz NOT NULL,
  -- the first beat after a silence long enough to count as offline
  online_since timestamptz NOT NULL,
  -- the agent's own beat interval, which its state is judged by
  heartbeat_ms integer NOT NULL,
  version      text,
  regions      jsonb NOT NULL,
  key_id       text,
  started_at   timestamptz,
  in_flight    integer NOT NULL
);

ALTER TABLE regions ADD COLUMN agent_id uuid;
CREATE INDEX regions_agent ON regions (agent_id) WHERE agent_id IS NOT NULL;
`,
};
