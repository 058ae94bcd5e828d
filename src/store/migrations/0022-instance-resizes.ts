/**
 * Resizes: an instance remembers the size a resize through an agent is moving it to, and the
 * operation's id by which the agent's report finds it (as images and volumes do, 0019 and 0020).
 */
export default {
  version: 22,
  name: 'instance-resizes',
  sql: /* sql */ `
ALTER TABLE instances ADD COLUMN operation_id text;
ALTER TABLE instances ADD COLUMN resizing_to jsonb;
CREATE UNIQUE INDEX instances_operation ON instances (operation_id) WHERE operation_id IS NOT NULL;
`,
};
