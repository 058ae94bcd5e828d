import { forbidden, invalidState } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import { regionRef, type RegionRef } from '../queries/compute.js';
import { tenantRow, type TenantRow } from '../queries/organisation.js';

/**
 * The tenant a call acts in, if the caller may act there: administrators anywhere, users in the
 * tenants where they hold a role. (The permission-group resolver narrows this per action.)
 */
export async function tenantInScope(ctx: CommandContext, name: string): Promise<TenantRow> {
  const tenant = await tenantRow(ctx.db, name);
  if (ctx.actor.systemAdmin) return tenant;
  const { rows } = await ctx.db.query('SELECT 1 FROM user_roles WHERE user_id = $1 AND tenant_id = $2', [ctx.actor.userId, tenant.id]);
  if (rows.length === 0) {
    throw forbidden(`you have no role in tenant ${name}; ask an administrator to add you`, { tenant: name });
  }
  return tenant;
}

/** A region the tenant is activated in and that is open for work. */
export async function usableRegion(ctx: CommandContext, tenant: TenantRow, name: string): Promise<RegionRef> {
  const region = await regionRef(ctx.db, name);
  const { rows } = await ctx.db.query('SELECT 1 FROM tenant_regions WHERE tenant_id = $1 AND region_id = $2', [tenant.id, region.id]);
  if (rows.length === 0) {
    throw invalidState(`tenant ${tenant.name} is not activated in region ${region.name}; an administrator can activate it`);
  }
  if (region.status !== 'active') throw invalidState(`region ${region.name} is ${region.status}; try again when it is active`);
  return region;
}
