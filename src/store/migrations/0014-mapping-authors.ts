/**
 * Who last set each permission mapping (the initiator's id in the event log). A mapping never
 * grants anything to its own author, so that nobody keeps, through a mapping they set, rights
 * that a change of their role or a block takes away. Existing mappings learn their author from
 * the log: the initiator of the last `permissionMapping.set` event on them (its target id is the
 * mapping's key, without the parts that stand for none).
 */
export default {
  version: 14,
  name: 'mapping-authors',
  sql: /* sql */ `
ALTER TABLE permission_mappings ADD COLUMN set_by text;
UPDATE permission_mappings m SET set_by = (
  SELECT e.initiator->>'id' FROM event_log e
   WHERE e.type = 'permissionMapping.set'
     AND e.target_id = concat_ws('/', m.customer_id::text, m.level,
           NULLIF(m.tenant_id, '00000000-0000-0000-0000-000000000000')::text, NULLIF(m.role, ''),
           NULLIF(m.user_id, '00000000-0000-0000-0000-000000000000')::text)
   ORDER BY e.seq DESC LIMIT 1);
`,
};
