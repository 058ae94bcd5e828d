/**
 * The Management page's sorts (resources.describe): each table's first page of a sort is read from
 * an index in that order instead of sorting all of a tenant's rows. Partial on the rows that are
 * resources, so terminated instances, which stay in the table, are never read past.
 */
export default {
  version: 27,
  name: 'management-sorts',
  sql: /* sql */ `
CREATE INDEX instances_live_by_id ON instances (tenant_id, id) WHERE state <> 'terminated';
CREATE INDEX instances_live_by_name ON instances (tenant_id, name, id) WHERE state <> 'terminated';
CREATE INDEX instances_live_by_created ON instances (tenant_id, created_at, id) WHERE state <> 'terminated';
CREATE INDEX volumes_by_name ON volumes (tenant_id, name, id);
CREATE INDEX volumes_by_created ON volumes (tenant_id, created_at, id);
`,
};
