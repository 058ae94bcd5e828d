/**
 * What the server keeps of its private agents' messages (docs/agent.md), none of it a projection:
 * the regions each agent said it serves with its driver's capabilities; the newest sequence
 * number applied per resource, so a message sent again changes nothing; the pages of listings
 * still arriving (pages of one listing may reach different server nodes); and the instances
 * complete listings lacked, which are let go only after several in a row.
 */
export default {
  version: 17,
  name: 'agent-state',
  sql: /* sql */ `
CREATE TABLE agent_regions (
  agent_id     uuid NOT NULL,
  region       text NOT NULL,
  cloud        text NOT NULL,
  capabilities jsonb NOT NULL,
  reported_at  timestamptz NOT NULL,
  PRIMARY KEY (agent_id, region)
);

CREATE TABLE agent_resource_seqs (
  region   text NOT NULL,
  resource text NOT NULL,
  seq      bigint NOT NULL,
  PRIMARY KEY (region, resource)
);

-- Unlogged: after a crash a half-gathered listing is lost, and the agent's next one replaces it.
CREATE UNLOGGED TABLE agent_listing_pages (
  listing_id uuid NOT NULL,
  page       integer NOT NULL,
  region     text NOT NULL,
  agent_id   uuid NOT NULL,
  last       boolean NOT NULL,
  complete   boolean NOT NULL,
  at         timestamptz NOT NULL,
  instances  jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (listing_id, page)
);
CREATE INDEX agent_listing_pages_received ON agent_listing_pages (received_at);

CREATE TABLE instance_absences (
  instance_id      uuid PRIMARY KEY,
  listings         integer NOT NULL,
  first_missing_at timestamptz NOT NULL
);
`,
};
