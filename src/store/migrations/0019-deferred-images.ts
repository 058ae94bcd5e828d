/**
 * Images captured through an agent are recorded when the capture starts (state pending) and
 * completed when the agent reports the operation done: until then they have no native id; the
 * operation id finds them then, and a failed capture keeps the cloud's reason.
 */
export default {
  version: 19,
  name: 'deferred-images',
  sql: /* sql */ `
ALTER TABLE images ALTER COLUMN native_id DROP NOT NULL;
ALTER TABLE images ADD COLUMN operation_id text;
ALTER TABLE images ADD COLUMN state_reason text;
CREATE UNIQUE INDEX images_operation ON images (operation_id) WHERE operation_id IS NOT NULL;
`,
};
