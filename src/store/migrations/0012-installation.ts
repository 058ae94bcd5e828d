/**
 * Facts about the installation as a whole, in one row. `key_check` is a known value sealed with
 * the master key at the first start (not here: a migrated template is shared by installations
 * with different keys), so that a node started with another key refuses to start instead of
 * failing every signed call.
 */
export default {
  version: 12,
  name: 'installation',
  sql: /* sql */ `
CREATE TABLE installation (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key_check  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
};
