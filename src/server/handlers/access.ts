import { isDefaultGroup } from '../../domain/access/permission-groups.js';
import { isBuiltInRole } from '../../domain/access/roles.js';
import { actionsOf } from '../../domain/access/resolve.js';
import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/access.js';
import { AppError, conflict, forbidden, invalidInput, invalidState, notFound } from '../../protocol/errors.js';
import { allPermissionActions, isPermissionAction, permissionActions, type PermissionAction } from '../../protocol/permissions.js';
import { requireWithinOwnRights } from '../access/grant-limits.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import * as q from '../queries/access.js';
import { customerRow, tenantRow, userRow, type TenantRow, type UserRow } from '../queries/organisation.js';
import { containsText } from '../queries/name-search.js';

/** The customer a call manages: the one it names, else the caller's. Administrators must name one. */
export async function managedCustomer(ctx: CommandContext, name: string | undefined): Promise<{ id: string; name: string }> {
  if (name !== undefined) return customerRow(ctx.db, name);
  if (ctx.access.customerId === null) {
    throw invalidInput('name the customer (customer): you belong to none', { field: 'customer' });
  }
  const { rows } = await ctx.db.query<{ id: string; name: string }>('SELECT id, name FROM customers WHERE id = $1', [ctx.access.customerId]);
  return rows[0]!;
}

export async function requireGroups(ctx: CommandContext, customerId: string, groups: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const group of groups) if (!(await q.groupExists(ctx.db, customerId, group))) missing.push(group);
  if (missing.length > 0) {
    throw invalidInput(`unknown permission groups: ${missing.join(', ')}; \`maestro permissions describe-groups\` lists them`, {
      field: 'groups',
      unknown: missing,
    });
  }
}

export const permissions: ManagerHandlers<Managers['permissions']> = {
  async describeActions(input) {
    const items = allPermissionActions
      .map((name) => ({ name, ...permissionActions[name] }))
      .filter((action) => input.category === undefined || action.category === input.category);
    return { items };
  },
  async describeGroups(input, ctx) {
    const customerId = input.customer !== undefined ? (await customerRow(ctx.db, input.customer)).id : ctx.access.customerId;
    return { items: await q.permissionGroups(ctx.db, customerId, input.name) };
  },
  async saveGroup(input, ctx) {
    const customer = await managedCustomer(ctx, input.customer);
    if (isDefaultGroup(input.name)) throw invalidInput(`${input.name} is a default permission group; choose another name`, { field: 'name' });
    const unknown = input.actions.filter((action) => !isPermissionAction(action));
    if (unknown.length > 0) {
      throw invalidInput(`unknown permission actions: ${unknown.join(', ')}; \`maestro permissions describe-actions\` lists them`, {
        field: 'actions',
        unknown,
      });
    }
    const platform = input.actions.filter((action) => isPermissionAction(action) && permissionActions[action].category === 'platform');
    if (platform.length > 0) {
      throw invalidInput(`${platform.join(', ')} belong to system administrators and cannot be put in a group`, { field: 'actions' });
    }
    const actions = [...new Set(input.actions)].sort();
    await requireWithinOwnRights(ctx, {
      ...customerWide(customer, 'MANAGE_PERMISSION_GROUP'),
      what: `group ${input.name}`,
      granted: actions.filter(isPermissionAction),
      change: { kind: 'group', name: input.name, actions: actions.filter(isPermissionAction) },
      instead: 'leave out the actions you may not do',
    });
    const description = input.description ?? '';
    await ctx.emit(
      events.permissionGroupSaved,
      { customerId: customer.id, name: input.name, description, actions },
      { target: { id: `${customer.id}/${input.name}`, name: input.name }, customerId: customer.id },
    );
    return { name: input.name, builtIn: false, description, actions };
  },
  async deleteGroup(input, ctx) {
    const customer = await managedCustomer(ctx, input.customer);
    if (isDefaultGroup(input.name)) throw invalidInput(`${input.name} is a default permission group and cannot be deleted`, { field: 'name' });
    if ((await q.permissionGroups(ctx.db, customer.id, input.name)).length === 0) throw notFound('permission group', input.name);
    const users = await q.groupUsers(ctx.db, customer.id, input.name);
    if (users.length > 0) throw conflict(`permission group ${input.name} is still used by ${users.join(', ')}; remove it there first`);
    await ctx.emit(
      events.permissionGroupDeleted,
      { customerId: customer.id, name: input.name },
      { target: { id: `${customer.id}/${input.name}`, name: input.name }, customerId: customer.id },
    );
    return { ok: true as const };
  },
  async describeUser(input, ctx) {
    const { user, tenant } = await describedPlace(ctx, input);
    if (user.systemAdmin) {
      const actions = allPermissionActions.map((name) => ({ name, groups: ['(system administrator)'] }));
      return { user: user.name, tenant: tenant.name, decidedBy: null, role: null, roleBlocked: false, groups: [], actions };
    }
    const effective = await ctx.services.authorizer.effective(user, tenant.customerId, tenant.id);
    return {
      user: user.name,
      tenant: tenant.name,
      decidedBy: effective.level,
      role: effective.role,
      roleBlocked: effective.roleBlocked,
      groups: [...effective.groups],
      actions: [...effective.actions].map(([name, groups]) => ({ name, groups: [...groups] })).sort((a, b) => a.name.localeCompare(b.name)),
    };
  },
};

/** A lookup whose not-found answer the caller must not see before it is known what they may see. */
const orNull = <T>(lookup: Promise<T>): Promise<T | null> =>
  lookup.catch((error: unknown) => {
    if (error instanceof AppError && error.kind === 'not_found') return null;
    throw error;
  });

/**
 * Whom `permissions describe-user` describes, and in which tenant. What the caller may see is
 * decided before anything is looked up on their behalf: a caller who may not describe the users
 * of a tenant gets one answer whether the tenant or the user exists or not, so neither can be
 * probed. Anyone may ask about themselves; system administrators get precise not-found answers.
 */
async function describedPlace(ctx: CommandContext, input: { tenant: string; user?: string | undefined }): Promise<{ user: UserRow; tenant: TenantRow }> {
  if (ctx.access.unrestricted) {
    return { tenant: await tenantRow(ctx.db, input.tenant), user: await userRow(ctx.db, input.user ?? ctx.actor.name) };
  }
  const tenant = await orNull(tenantRow(ctx.db, input.tenant));
  if (input.user === undefined || input.user === ctx.actor.name) {
    const self = await userRow(ctx.db, ctx.actor.name);
    if (!tenant || !(await visibleIn(ctx, self, tenant))) {
      throw forbidden(`you have no access to tenant ${input.tenant}; check the name or ask an administrator`);
    }
    return { user: self, tenant };
  }
  if (!tenant || !(await ctx.access.allows('DESCRIBE_USER_PERMISSIONS', tenant))) {
    throw forbidden(
      `seeing the permissions of ${input.user} in tenant ${input.tenant} needs DESCRIBE_USER_PERMISSIONS there, which you do not have; check the names or ask an administrator`,
      { permission: 'DESCRIBE_USER_PERMISSIONS' },
    );
  }
  const user = await orNull(userRow(ctx.db, input.user));
  if (!user || !(await visibleIn(ctx, user, tenant))) {
    throw new AppError(
      'not_found',
      `no user '${input.user}' in tenant ${tenant.name}: nobody of that name belongs to its customer or has permissions there; check the name`,
      { resource: 'user', name: input.user },
    );
  }
  return { user, tenant };
}

/** Users of the tenant's customer, and others that something grants anything there. */
async function visibleIn(ctx: CommandContext, user: UserRow, tenant: TenantRow): Promise<boolean> {
  if (user.customerId === tenant.customerId) return true;
  return (await ctx.services.authorizer.effective(user, tenant.customerId, tenant.id)).level !== null;
}

export const roles: ManagerHandlers<Managers['roles']> = {
  async describe(input, ctx) {
    const customerId = input.customer !== undefined ? (await customerRow(ctx.db, input.customer)).id : ctx.access.customerId;
    const items = await q.roles(ctx.db, customerId, input.name);
    return { items: items.filter((role) => containsText(role.name, input.search)) };
  },
  async save(input, ctx) {
    const customer = await managedCustomer(ctx, input.customer);
    if (isBuiltInRole(input.name)) throw invalidInput(`${input.name} is a built-in role; choose another name`, { field: 'name' });
    await requireGroups(ctx, customer.id, input.groups);
    const groups = [...new Set(input.groups)];
    const access = await ctx.services.authorizer.customerAccess(customer.id, ctx.db);
    await requireWithinOwnRights(ctx, {
      ...customerWide(customer, 'MANAGE_ROLE'),
      what: `role ${input.name}`,
      granted: actionsOf(access, groups).keys(),
      change: { kind: 'role', name: input.name, groups },
      instead: 'choose narrower groups',
    });
    const description = input.description ?? '';
    await ctx.emit(
      events.roleSaved,
      { customerId: customer.id, name: input.name, description, groups },
      { target: { id: `${customer.id}/${input.name}`, name: input.name }, customerId: customer.id },
    );
    return { name: input.name, builtIn: false, description, groups };
  },
  async delete(input, ctx) {
    const customer = await managedCustomer(ctx, input.customer);
    if (isBuiltInRole(input.name)) throw invalidInput(`${input.name} is a built-in role and cannot be deleted`, { field: 'name' });
    if (!(await q.roleExists(ctx.db, customer.id, input.name))) throw notFound('role', input.name);
    const holders = await q.roleHolders(ctx.db, customer.id, input.name);
    if (holders.length > 0) throw conflict(`role ${input.name} is held by ${holders.join(', ')}; take it from them first`);
    const { rows } = await ctx.db.query(`SELECT 1 FROM permission_mappings WHERE customer_id = $1 AND level = 'role' AND role = $2`, [
      customer.id,
      input.name,
    ]);
    if (rows.length > 0) throw conflict(`role ${input.name} has role mappings; remove them first`);
    await ctx.emit(
      events.roleDeleted,
      { customerId: customer.id, name: input.name },
      { target: { id: `${customer.id}/${input.name}`, name: input.name }, customerId: customer.id },
    );
    return { ok: true as const };
  },
  async block(input, ctx) {
    const tenant = await tenantRow(ctx.db, input.tenant);
    await q.requireRole(ctx.db, tenant.customerId, input.role);
    if (await isBlocked(ctx, tenant, input.role)) throw invalidState(`role ${input.role} is already blocked in tenant ${tenant.name}`);
    await requireMayBlock(ctx, tenant, input.role, true);
    await ctx.emit(
      events.roleBlocked,
      { customerId: tenant.customerId, tenantId: tenant.id, role: input.role },
      { target: { id: `${tenant.id}/${input.role}`, name: input.role }, customerId: tenant.customerId, tenantId: tenant.id },
    );
    return { ok: true as const };
  },
  async unblock(input, ctx) {
    const tenant = await tenantRow(ctx.db, input.tenant);
    if (!(await isBlocked(ctx, tenant, input.role))) throw invalidState(`role ${input.role} is not blocked in tenant ${tenant.name}`);
    await requireMayBlock(ctx, tenant, input.role, false);
    await ctx.emit(
      events.roleUnblocked,
      { customerId: tenant.customerId, tenantId: tenant.id, role: input.role },
      { target: { id: `${tenant.id}/${input.role}`, name: input.role }, customerId: tenant.customerId, tenantId: tenant.id },
    );
    return { ok: true as const };
  },
};

async function isBlocked(ctx: CommandContext, tenant: TenantRow, role: string): Promise<boolean> {
  const { rows } = await ctx.db.query('SELECT 1 FROM blocked_roles WHERE tenant_id = $1 AND role = $2', [tenant.id, role]);
  return rows.length > 0;
}

/**
 * Saving a role or group changes what everyone holding it may do, the saver included, so it may
 * hold no more than the saver may do customer-wide (where roles and groups are managed), and may
 * not widen what the saver has in any tenant (a role she holds there, narrower than her
 * customer-wide one). Anyone else gains no more than the role or group holds.
 */
const customerWide = (customer: { id: string; name: string }, permission: PermissionAction) => ({
  customerId: customer.id,
  tenantId: null,
  place: `customer ${customer.name}`,
  permission,
  affects: { users: 'caller' as const, places: 'customer' as const },
});

/**
 * Blocking a role lets its holders fall through to the tenant or customer mapping; unblocking it
 * gives them the role back. Either may give them more than the one blocking may do there.
 */
async function requireMayBlock(ctx: CommandContext, tenant: TenantRow, role: string, blocked: boolean): Promise<void> {
  await requireWithinOwnRights(ctx, {
    customerId: tenant.customerId,
    tenantId: tenant.id,
    place: `tenant ${tenant.name}`,
    permission: 'BLOCK_ROLE',
    what: `${blocked ? 'blocking' : 'unblocking'} role ${role} in tenant ${tenant.name}`,
    change: { kind: 'block', tenantId: tenant.id, role, blocked },
    affects: { users: 'everyone', places: 'own' },
  });
}
