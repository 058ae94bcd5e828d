import { simNetworkTablesIfMissing, simTablesIfMissing } from '../../clouds/sim/schema.js';

/**
 * The agent's own small database (PGlite under its data directory by default). Statements are
 * idempotent, so opening runs them all; a later change adds a step with the next version.
 */
export const agentSchema: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS agent_schema (version integer PRIMARY KEY);
      -- A value sealed with the master key when the store was made: a start with another key fails here.
      CREATE TABLE IF NOT EXISTS agent_key_check (id integer PRIMARY KEY CHECK (id = 1), sealed text NOT NULL);
      -- Cloud credentials per region, sealed (AES-256-GCM) with the agent's master key; never sent anywhere.
      CREATE TABLE IF NOT EXISTS agent_credentials (
        region text PRIMARY KEY,
        sealed text NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- Messages to the servers, written in the transaction that made them, deleted once the broker confirmed them.
      CREATE TABLE IF NOT EXISTS agent_outbox (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        persistent boolean NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL
      );
      -- The last sequence number given to each resource's events.
      CREATE TABLE IF NOT EXISTS agent_sequences (
        region text NOT NULL,
        resource text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (region, resource)
      );
      CREATE TABLE IF NOT EXISTS agent_checkpoints (
        name text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- Mutating driver calls by operation id: run at most once, a repeated request gets the recorded outcome.
      CREATE TABLE IF NOT EXISTS agent_operations (
        operation_id text PRIMARY KEY,
        region text NOT NULL,
        method text NOT NULL,
        state text NOT NULL CHECK (state IN ('running', 'done')),
        outcome jsonb,
        started_at timestamptz NOT NULL,
        finished_at timestamptz
      );
      CREATE INDEX IF NOT EXISTS agent_operations_finished ON agent_operations (finished_at);
    `,
  },
  // The simulator's tables, for an agent that serves a simulated region (the embedded default).
  { version: 2, sql: simTablesIfMissing },
  // The simulator's networks, interfaces and public addresses.
  { version: 3, sql: simNetworkTablesIfMissing },
];
