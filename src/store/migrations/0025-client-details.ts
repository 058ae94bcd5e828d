/**
 * Details the published Maestro clients show: the cloud a simulated region answers to on the
 * compatible endpoint (their `--cloud` has no simulator; null is the default, OPEN_STACK), and the
 * description a captured image was given.
 */
export default {
  version: 25,
  name: 'client-details',
  sql: /* sql */ `
ALTER TABLE regions ADD COLUMN imitates text;
ALTER TABLE images ADD COLUMN description text;
`,
};
