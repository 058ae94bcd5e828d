/**
 * Indexes the compute read models' tag filters were missing.
 *
 * - `volumes.tags_folded`: the case-insensitive filter of volumes (the private clouds, Google,
 *   OpenStack) had no index, unlike instances.
 * - Tag key filters (`tagKey` without a value): `jsonb_path_ops` indexes serve `@>` only, never the
 *   key-exists operator `?`, so a filter on a rare key read every row of the tenant. A default
 *   `jsonb_ops` index on `tags_folded` serves `?` for both rules: a key exists in `tags` only if
 *   its lower-cased form exists in `tags_folded`, so exact-case queries use it to narrow first.
 * - Time limits: the executor looks for passed `stop_after` / `terminate_after` every minute;
 *   partial indexes keep that a lookup of the few instances that have one.
 */
export default {
  version: 3,
  name: 'compute-indexes',
  sql: /* sql */ `
CREATE INDEX volumes_tags_folded ON volumes USING gin (tags_folded jsonb_path_ops);
CREATE INDEX instances_tag_keys ON instances USING gin (tags_folded);
CREATE INDEX volumes_tag_keys ON volumes USING gin (tags_folded);
CREATE INDEX instances_stop_after ON instances (stop_after) WHERE stop_after IS NOT NULL;
CREATE INDEX instances_terminate_after ON instances (terminate_after) WHERE terminate_after IS NOT NULL;
`,
};
