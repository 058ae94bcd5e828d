/**
 * The tenants read model carries what its page shows (customer and group names, the regions it
 * is active in), so listing tenants is one indexed read of one table instead of three joins and
 * a sub-select per row (docs/benchmarks.md §1). Names never change once given, so the events
 * that place a tenant now name its customer and group; events recorded before are given those
 * names here, from the log's own creation events, so that a rebuild makes the same rows.
 */
export default {
  version: 15,
  name: 'tenant-page',
  sql: /* sql */ `
UPDATE event_log e SET data = e.data || jsonb_build_object('customer', c.data->>'name')
  FROM event_log c
 WHERE e.type = 'tenant.created' AND NOT e.data ? 'customer'
   AND c.type = 'customer.created' AND c.data->>'id' = e.data->>'customerId';

UPDATE event_log e SET data = e.data || jsonb_build_object('group', g.data->>'name')
  FROM event_log g
 WHERE e.type IN ('tenant.created', 'tenant.updated') AND NOT e.data ? 'group' AND e.data->>'groupId' IS NOT NULL
   AND g.type = 'tenantGroup.created' AND g.data->>'id' = e.data->>'groupId';

UPDATE event_log SET data = data || '{"group": null}'::jsonb
 WHERE type IN ('tenant.created', 'tenant.updated') AND NOT data ? 'group' AND data ? 'groupId' AND data->>'groupId' IS NULL;

ALTER TABLE tenants ADD COLUMN customer_name text, ADD COLUMN group_name text, ADD COLUMN regions jsonb NOT NULL DEFAULT '[]';

UPDATE tenants t SET customer_name = c.name FROM customers c WHERE c.id = t.customer_id;
UPDATE tenants t SET group_name = g.name FROM tenant_groups g WHERE g.id = t.group_id;
UPDATE tenants t SET regions = active.names
  FROM (SELECT tr.tenant_id, jsonb_agg(r.name ORDER BY r.name) AS names
          FROM tenant_regions tr JOIN regions r ON r.id = tr.region_id GROUP BY tr.tenant_id) active
 WHERE active.tenant_id = t.id;

ALTER TABLE tenants ALTER COLUMN customer_name SET NOT NULL, ALTER COLUMN regions DROP DEFAULT;
CREATE INDEX tenants_customer_name ON tenants (customer_name, name);
`,
};
