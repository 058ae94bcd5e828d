import { AppError, invalidState } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import { regionRef, type RegionRef } from '../queries/compute.js';
import { customerRow, tenantRow, userRow, type TenantRow, type UserRow } from '../queries/organisation.js';

/**
 * The tenant a tenant-scoped call acts in. Authorisation has already checked that the caller
 * may act there (and told others that it does not exist for them), so only an administrator
 * can reach the not-found answer.
 */
export async function tenantInScope(ctx: CommandContext, name: string): Promise<TenantRow> {
  return tenantRow(ctx.db, name);
}

/**
 * A user a call names inside one customer's organisation (a role or mapping in its tenant).
 * System administrators get the user wherever they belong, or a precise not-found. Anyone else
 * gets the same answer for a user who does not exist and for one of another customer or of the
 * platform, so that user names cannot be probed from another customer.
 */
export async function userOfCustomer(ctx: CommandContext, name: string, customerId: string): Promise<UserRow> {
  if (ctx.access.unrestricted) return userRow(ctx.db, name);
  const { rows } = await ctx.db.query<UserRow>(
    `SELECT id, name, customer_id AS "customerId", system_admin AS "systemAdmin", status FROM users WHERE name = $1 AND customer_id = $2`,
    [name, customerId],
  );
  if (!rows[0]) {
    throw new AppError(
      'not_found',
      `no user '${name}' in this customer; check the name (users of other customers can be named only by a system administrator)`,
      { resource: 'user', name },
    );
  }
  return rows[0];
}

/** A region the tenant is activated in, open for work, and licensed (private regions need Enterprise). */
export async function usableRegion(ctx: CommandContext, tenant: TenantRow, name: string): Promise<RegionRef> {
  const region = await regionRef(ctx.db, name);
  if (region.kind === 'private') await ctx.access.requireFeature('privateClouds', false);
  const { rows } = await ctx.db.query('SELECT 1 FROM tenant_regions WHERE tenant_id = $1 AND region_id = $2', [tenant.id, region.id]);
  if (rows.length === 0) {
    throw invalidState(`tenant ${tenant.name} is not activated in region ${region.name}; an administrator can activate it`);
  }
  if (region.status !== 'active') throw invalidState(`region ${region.name} is ${region.status}; try again when it is active`);
  return region;
}

/**
 * What a tenant-or-customer call looks at (reports, the audit log): one tenant, a customer's
 * tenants (the named one, else the caller's), or, for an administrator naming neither,
 * everything (tenantIds null). Authorisation has checked the caller may look there.
 */
export async function tenantsInView(
  ctx: CommandContext,
  input: { tenant?: string | undefined; customer?: string | undefined },
): Promise<{ tenantIds: string[] | null; customerId: string | null }> {
  if (input.tenant !== undefined) {
    const tenant = await tenantRow(ctx.db, input.tenant);
    return { tenantIds: [tenant.id], customerId: null };
  }
  const customerId = input.customer !== undefined ? (await customerRow(ctx.db, input.customer)).id : ctx.access.customerId;
  if (customerId === null) return { tenantIds: ctx.access.unrestricted ? null : [], customerId: null };
  const { rows } = await ctx.db.query<{ id: string }>('SELECT id FROM tenants WHERE customer_id = $1', [customerId]);
  return { tenantIds: rows.map((row) => row.id), customerId };
}
