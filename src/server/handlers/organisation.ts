import * as events from '../../protocol/events/organisation.js';
import { conflict, forbidden, invalidInput, invalidState } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { ManagerHandlers } from '../context.js';
import type { Managers } from '../../protocol/commands/index.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import type { Queryable } from '../../store/database.js';
import { hashPassword } from '../passwords.js';
import { revokeUserSessions } from '../session/session-store.js';
import * as q from '../queries/organisation.js';
import { requireRole } from '../queries/access.js';
import * as accessEvents from '../../protocol/events/access.js';
import { NO_ID } from '../projections/access.js';
import { regionRef, type RegionRef } from '../queries/compute.js';
import { callCloud } from '../compute/cloud-call.js';
import { reconcileRegion } from '../compute/discovery.js';
import { agentRow } from '../queries/agents.js';
import * as computeEvents from '../../protocol/events/compute.js';
import { type CommandContext } from '../context.js';
import { pending } from '../pending-event.js';
import { userOfCustomer } from './scope.js';
import { requireMayGiveRole, requireMayTakeRole } from '../access/grant-limits.js';

const hasChanges = (changes: object) => Object.values(changes).some((value) => value !== undefined);

async function exists(db: Queryable, sql: string, params: unknown[]): Promise<boolean> {
  const { rows } = await db.query(sql, params);
  return rows.length > 0;
}

export const customers: ManagerHandlers<Managers['customers']> = {
  async create(input, ctx) {
    if (await exists(ctx.db, 'SELECT 1 FROM customers WHERE name = $1', [input.name])) {
      throw conflict(`a customer named ${input.name} already exists`, { resource: 'customer', name: input.name });
    }
    const id = uuidv7();
    await ctx.emit(
      events.customerCreated,
      { id, name: input.name, displayName: input.displayName ?? input.name },
      { target: { id, name: input.name }, customerId: id },
    );
    return q.customerView(ctx.db, id);
  },
  describe: (input, ctx) => q.listCustomers(ctx.db, { ...input, customerId: ownCustomerOnly(ctx) }),
  async update({ name, ...changes }, ctx) {
    const customer = await q.customerRow(ctx.db, name);
    if (hasChanges(changes)) {
      await ctx.emit(events.customerUpdated, { id: customer.id, ...changes }, { target: { id: customer.id, name }, customerId: customer.id });
    }
    return q.customerView(ctx.db, customer.id);
  },
};

export const tenantGroups: ManagerHandlers<Managers['tenantGroups']> = {
  async create(input, ctx) {
    const customer = await q.customerRow(ctx.db, input.customer);
    if (await exists(ctx.db, 'SELECT 1 FROM tenant_groups WHERE customer_id = $1 AND name = $2', [customer.id, input.name])) {
      throw conflict(`customer ${customer.name} already has a tenant group named ${input.name}`);
    }
    const id = uuidv7();
    await ctx.emit(
      events.tenantGroupCreated,
      { id, customerId: customer.id, name: input.name, description: input.description ?? '' },
      { target: { id, name: input.name }, customerId: customer.id },
    );
    return q.tenantGroupView(ctx.db, id);
  },
  describe: (input, ctx) => q.listTenantGroups(ctx.db, { ...input, customerId: ownCustomerOnly(ctx) }),
  async delete(input, ctx) {
    const customer = await q.customerRow(ctx.db, input.customer);
    const group = await q.tenantGroupRow(ctx.db, customer.id, input.name);
    const { rows } = await ctx.db.query<{ name: string }>('SELECT name FROM tenants WHERE group_id = $1 ORDER BY name LIMIT 5', [group.id]);
    if (rows.length > 0) {
      throw invalidState(
        `tenant group ${group.name} still holds tenants (${rows.map((r) => r.name).join(', ')}); move them to another group first`,
      );
    }
    await ctx.emit(events.tenantGroupDeleted, { id: group.id }, { target: { id: group.id, name: group.name }, customerId: customer.id });
    return { ok: true as const };
  },
};

export const tenants: ManagerHandlers<Managers['tenants']> = {
  async create(input, ctx) {
    const customer = await q.customerRow(ctx.db, input.customer);
    if (customer.status !== 'active') throw invalidState(`customer ${customer.name} is inactive; activate it before adding tenants`);
    if (await exists(ctx.db, 'SELECT 1 FROM tenants WHERE name = $1', [input.name])) {
      throw conflict(`a tenant named ${input.name} already exists`, { resource: 'tenant', name: input.name });
    }
    const group = input.group === undefined ? null : await q.tenantGroupRow(ctx.db, customer.id, input.group);
    const id = uuidv7();
    await ctx.emit(
      events.tenantCreated,
      {
        id,
        customerId: customer.id,
        customer: customer.name,
        groupId: group?.id ?? null,
        group: group?.name ?? null,
        name: input.name,
        displayName: input.displayName ?? input.name,
        description: input.description ?? '',
        contacts: input.contacts ?? [],
      },
      { target: { id, name: input.name }, customerId: customer.id, tenantId: id },
    );
    return q.tenantView(ctx.db, id);
  },
  describe: async (input, ctx) => q.listTenants(ctx.db, { ...input, tenantIds: await tenantIdsAllowing(ctx, 'DESCRIBE_TENANT') }),
  async update({ name, group, ...changes }, ctx) {
    const tenant = await q.tenantRow(ctx.db, name);
    const newGroup = group === undefined ? undefined : group === null ? null : await q.tenantGroupRow(ctx.db, tenant.customerId, group);
    const groupId = newGroup === undefined ? undefined : (newGroup?.id ?? null);
    if (hasChanges({ ...changes, groupId })) {
      await ctx.emit(
        events.tenantUpdated,
        { id: tenant.id, ...changes, ...(newGroup !== undefined ? { groupId, group: newGroup?.name ?? null } : {}) },
        { target: { id: tenant.id, name }, customerId: tenant.customerId, tenantId: tenant.id },
      );
    }
    return q.tenantView(ctx.db, tenant.id);
  },
  async activateRegion(input, ctx) {
    const tenant = await q.tenantRow(ctx.db, input.tenant);
    const region = await q.regionRow(ctx.db, input.region);
    if (await exists(ctx.db, 'SELECT 1 FROM tenant_regions WHERE tenant_id = $1 AND region_id = $2', [tenant.id, region.id])) {
      throw invalidState(`tenant ${tenant.name} is already active in region ${region.name}`);
    }
    await ctx.emit(
      events.tenantRegionActivated,
      { tenantId: tenant.id, regionId: region.id },
      { target: { id: tenant.id, name: tenant.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
    );
    return q.tenantView(ctx.db, tenant.id);
  },
  async deactivateRegion(input, ctx) {
    const tenant = await q.tenantRow(ctx.db, input.tenant);
    const region = await q.regionRow(ctx.db, input.region);
    if (!(await exists(ctx.db, 'SELECT 1 FROM tenant_regions WHERE tenant_id = $1 AND region_id = $2', [tenant.id, region.id]))) {
      throw invalidState(`tenant ${tenant.name} is not active in region ${region.name}`);
    }
    await ctx.emit(
      events.tenantRegionDeactivated,
      { tenantId: tenant.id, regionId: region.id },
      { target: { id: tenant.id, name: tenant.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
    );
    return q.tenantView(ctx.db, tenant.id);
  },
};

/** Only a simulated region chooses the cloud it answers to: every other region is its own cloud to the clients. */
const imitatesRefused = (region: string, cloud: string) =>
  invalidInput(`region ${region} is a ${cloud} region: the published clients know it as ${cloud}; imitates is for SIMULATED regions only`, {
    field: 'imitates',
  });

export const regions: ManagerHandlers<Managers['regions']> = {
  async create(input, ctx) {
    if (await exists(ctx.db, 'SELECT 1 FROM regions WHERE name = $1', [input.name])) {
      throw conflict(`a region named ${input.name} already exists`, { resource: 'region', name: input.name });
    }
    if (input.imitates !== undefined && input.cloud !== 'SIMULATED') throw imitatesRefused(input.name, input.cloud);
    const agent = input.agent === undefined ? null : await agentRow(ctx.db, input.agent);
    const id = uuidv7();
    await ctx.emit(
      events.regionCreated,
      {
        id,
        name: input.name,
        cloud: input.cloud,
        kind: input.kind,
        nativeName: input.nativeName,
        status: input.status ?? 'active',
        description: input.description ?? '',
        agentId: agent?.id ?? null,
        imitates: input.imitates ?? null,
      },
      { target: { id, name: input.name }, region: input.name },
    );
    // Through its agent, this is the region's first real call to the cloud (a token request, the
    // image catalog): wrong credentials or an agent that does not serve it refuse the region.
    if (agent || ctx.services.clouds.has(input.cloud)) await importPublicCatalog(ctx, await regionRef(ctx.db, input.name));
    return q.regionView(ctx.db, id);
  },
  // Users see the regions their tenants are active in; with a tenant, that tenant's, if they may see them.
  async describe({ tenant, ...input }, ctx) {
    const allowed = await tenantIdsAllowing(ctx, 'DESCRIBE_REGION');
    if (tenant === undefined) return q.listRegions(ctx.db, { ...input, tenantIds: allowed });
    const { id } = await q.tenantRow(ctx.db, tenant);
    if (allowed !== null && !allowed.includes(id)) throw q.tenantNotFound(tenant);
    return q.listRegions(ctx.db, { ...input, tenantIds: [id] });
  },
  async update({ name, agent, ...changes }, ctx) {
    const region = await q.regionRow(ctx.db, name);
    if (changes.imitates !== undefined && region.cloud !== 'SIMULATED') throw imitatesRefused(name, region.cloud);
    const agentId = agent === undefined ? undefined : agent === null ? null : (await agentRow(ctx.db, agent)).id;
    if (hasChanges({ ...changes, agentId })) {
      await ctx.emit(
        events.regionUpdated,
        { id: region.id, ...changes, ...(agentId !== undefined ? { agentId } : {}) },
        { target: { id: region.id, name }, region: name },
      );
    }
    return q.regionView(ctx.db, region.id);
  },
  discover: (input, ctx) =>
    reconcileRegion(ctx.db, ctx.services.clouds, ctx.services.clock, input.name, (changes) => ctx.emitMany(changes)),
};

export const users: ManagerHandlers<Managers['users']> = {
  async create(input, ctx) {
    if (await exists(ctx.db, 'SELECT 1 FROM users WHERE name = $1', [input.name])) {
      throw conflict(`a user named ${input.name} already exists`, { resource: 'user', name: input.name });
    }
    if (input.systemAdmin && input.customer !== undefined) {
      throw invalidInput('a system administrator belongs to the platform, not to a customer: give either customer or systemAdmin', {
        field: 'customer',
      });
    }
    if (!ctx.access.unrestricted && input.systemAdmin) {
      throw forbidden('only system administrators may create system administrators', { permission: 'CREATE_USER' });
    }
    // A customer administrator's users belong to their customer; only the platform has users of none.
    const customerName = input.customer ?? (ctx.access.unrestricted ? undefined : await q.customerNameOf(ctx.db, ctx.access.customerId!));
    const customer = customerName === undefined ? null : await q.customerRow(ctx.db, customerName);
    const id = uuidv7();
    await ctx.emit(
      events.userCreated,
      {
        id,
        name: input.name,
        displayName: input.displayName ?? input.name,
        email: input.email ?? null,
        customerId: customer?.id ?? null,
        systemAdmin: input.systemAdmin ?? false,
      },
      { target: { id, name: input.name }, customerId: customer?.id ?? null },
    );
    return q.userView(ctx.db, id);
  },
  describe: (input, ctx) => q.listUsers(ctx.db, { ...input, customerId: ownCustomerOnly(ctx) }),
  async whoami(_input, ctx) {
    if (!ctx.actor.userId) throw invalidState(`the caller is ${ctx.actor.name}, not a user`);
    return q.userView(ctx.db, ctx.actor.userId);
  },
  async update({ name, ...changes }, ctx) {
    const user = await q.userRow(ctx.db, name);
    if (hasChanges(changes)) {
      await ctx.emit(events.userUpdated, { id: user.id, ...changes }, { target: { id: user.id, name }, customerId: user.customerId });
      // A disabled user's console sessions end with the change (their access keys stop working the same way).
      if (changes.status === 'disabled') await revokeUserSessions(ctx.db, user.id, ctx.services.clock.now(), 'user_disabled');
    }
    return q.userView(ctx.db, user.id);
  },
  async setPassword(input, ctx) {
    const user = await q.userRow(ctx.db, input.name);
    const passwordHash = await hashPassword(input.password);
    await ctx.emit(events.userPasswordSet, { id: user.id, passwordHash }, { target: { id: user.id, name: user.name }, customerId: user.customerId });
    // Whoever knew the old password may hold a session: every console session of the user ends.
    await revokeUserSessions(ctx.db, user.id, ctx.services.clock.now(), 'password_changed');
    return { ok: true as const };
  },
  async addRole(input, ctx) {
    const tenant = await q.tenantRow(ctx.db, input.tenant);
    // Only a system administrator gets past this with a user of another customer or of the platform.
    const user = await userOfCustomer(ctx, input.name, tenant.customerId);
    if (user.customerId !== null && user.customerId !== tenant.customerId) {
      throw invalidInput(`user ${user.name} belongs to another customer than tenant ${tenant.name}`, { field: 'tenant' });
    }
    await requireRole(ctx.db, tenant.customerId, input.role);
    await requireMayGiveRole(ctx, { customerId: tenant.customerId, tenant, user }, input.role);
    await ctx.emit(
      events.userRoleGranted,
      { userId: user.id, tenantId: tenant.id, role: input.role },
      { target: { id: user.id, name: user.name }, customerId: tenant.customerId, tenantId: tenant.id },
    );
    return q.userView(ctx.db, user.id);
  },
  async addCustomerRole(input, ctx) {
    const user = await q.userRow(ctx.db, input.name);
    if (user.customerId === null) {
      throw invalidInput(`user ${user.name} belongs to no customer; give them roles per tenant instead`, { field: 'name' });
    }
    await requireRole(ctx.db, user.customerId, input.role);
    const holding = { customerId: user.customerId, tenant: null, customerName: await q.customerNameOf(ctx.db, user.customerId), user };
    await requireMayGiveRole(ctx, holding, input.role);
    await ctx.emit(
      accessEvents.customerRoleGranted,
      { userId: user.id, customerId: user.customerId, role: input.role },
      { target: { id: user.id, name: user.name }, customerId: user.customerId },
    );
    return q.userView(ctx.db, user.id);
  },
  async removeCustomerRole(input, ctx) {
    const user = await q.userRow(ctx.db, input.name);
    if (user.customerId === null || !(await exists(ctx.db, 'SELECT 1 FROM customer_roles WHERE user_id = $1', [user.id]))) {
      throw invalidState(`user ${user.name} has no customer-wide role`);
    }
    await requireMayTakeRole(ctx, { customerId: user.customerId, tenant: null, customerName: await q.customerNameOf(ctx.db, user.customerId), user });
    await ctx.emit(
      accessEvents.customerRoleRevoked,
      { userId: user.id, customerId: user.customerId },
      { target: { id: user.id, name: user.name }, customerId: user.customerId },
    );
    return q.userView(ctx.db, user.id);
  },
  async removeRole(input, ctx) {
    const tenant = await q.tenantRow(ctx.db, input.tenant);
    const user = await userOfCustomer(ctx, input.name, tenant.customerId);
    if (!(await exists(ctx.db, 'SELECT 1 FROM user_roles WHERE user_id = $1 AND tenant_id = $2', [user.id, tenant.id]))) {
      throw invalidState(`user ${user.name} has no role in tenant ${tenant.name}`);
    }
    await requireMayTakeRole(ctx, { customerId: tenant.customerId, tenant, user });
    await ctx.emit(
      events.userRoleRevoked,
      { userId: user.id, tenantId: tenant.id },
      { target: { id: user.id, name: user.name }, customerId: tenant.customerId, tenantId: tenant.id },
    );
    return q.userView(ctx.db, user.id);
  },
};

/** A new region of a cloud we have a driver for: prepare it and list its public images. */
async function importPublicCatalog(ctx: CommandContext, region: RegionRef): Promise<void> {
  const images = await callCloud(ctx, region, (driver, target, call) => driver.prepareRegion(target, call));
  await ctx.emitMany(
    images.map((image) => {
      const id = uuidv7();
      return pending(
        computeEvents.imageRegistered,
        { id, regionId: region.id, tenantId: null, name: image.name, nativeId: image.nativeId, os: image.os, minDiskGb: image.minDiskGb },
        { target: { id, name: image.name }, region: region.name },
      );
    }),
  );
}

/** The tenants a listing may show: null when the caller may see every one. */
async function tenantIdsAllowing(ctx: CommandContext, action: PermissionAction): Promise<string[] | null> {
  const tenants = await ctx.access.tenantsAllowing(action);
  return tenants === null ? null : tenants.map((tenant) => tenant.id);
}

/** Listings of a customer administrator stop at their own customer; null lets administrators see all. */
function ownCustomerOnly(ctx: CommandContext): string | null {
  return ctx.access.unrestricted ? null : (ctx.access.customerId ?? NO_ID);
}
