/**
 * Volumes created through an agent, like captured images (0019): recorded when the creation
 * starts (state creating, no native id yet), found by the operation id when the agent reports it
 * done, and kept with the cloud's reason when it failed.
 */
export default {
  version: 20,
  name: 'deferred-volumes',
  sql: /* sql */ `
ALTER TABLE volumes ALTER COLUMN native_id DROP NOT NULL;
ALTER TABLE volumes ADD COLUMN operation_id text;
ALTER TABLE volumes ADD COLUMN state_reason text;
CREATE UNIQUE INDEX volumes_operation ON volumes (operation_id) WHERE operation_id IS NOT NULL;
`,
};
