import type { AccessChange } from '../../domain/access/changes.js';
import { excessOf, gainsOf, inCatalogueOrder, roleGrants, type Excess } from '../../domain/access/grants.js';
import type { AccessSubject } from '../../domain/access/resolve.js';
import { forbidden } from '../../protocol/errors.js';
import type { PermissionAction } from '../../protocol/permissions.js';
import type { CommandContext } from '../context.js';

/** A change to a customer's permissions, and what the refusal would say of it. */
export interface GrantCheck {
  customerId: string;
  /** Where the caller's own actions are the limit: a tenant, or null for the customer as a whole. */
  tenantId: string | null;
  /** That place as the refusal names it: `tenant ACME-DEV`, `customer ACME`. */
  place: string;
  /** The change as the refusal names it: `role admin`, `removing the user mapping of gina in tenant ACME-DEV`. */
  what: string;
  /** The permission of the command, for the refusal's details. */
  permission: PermissionAction;
  /** What the change grants for as long as it stands (a mapping's, role's or group's actions). */
  granted?: Iterable<PermissionAction>;
  change: AccessChange;
  /**
   * Whose rights the change could move beyond what it grants, and where: some users (ids), the
   * caller, or everyone the customer's permissions concern; in the check's own place, or in every
   * tenant and the customer as a whole. Omitted when it can move nobody's beyond `granted`.
   */
  affects?: { users: 'everyone' | 'caller' | readonly string[]; places: 'own' | 'customer' };
  /** How to stay within one's rights, if there is a way: `choose a narrower role`. */
  instead?: string;
}

/**
 * Refuses a change that grants more than the caller may do in its place, gives anyone there
 * more than the caller may do, or gives the caller anything (`src/domain/access/grants.ts`).
 * System administrators are exempt. The lookups are here; the decision is the domain's.
 */
export async function requireWithinOwnRights(ctx: CommandContext, check: GrantCheck): Promise<void> {
  if (ctx.access.unrestricted) return;
  // Authorisation let only users through (system administrators returned above).
  const granter: AccessSubject = { userId: ctx.actor.userId!, customerId: ctx.actor.customerId };
  const { authorizer } = ctx.services;
  const granterMay = (await authorizer.effective({ id: granter.userId, customerId: granter.customerId }, check.customerId, check.tenantId, ctx.db)).actions;
  const access = await authorizer.customerAccess(check.customerId, ctx.db);
  const tenants = check.affects?.places === 'customer' ? await authorizer.tenantsOf(check.customerId, ctx.db) : [];
  const affected = check.affects?.users;
  const users = affected
    ? await authorizer.subjects(check.customerId, ctx.db, affected === 'everyone' ? undefined : affected === 'caller' ? [granter.userId] : affected)
    : [];
  const places = check.affects?.places === 'customer' ? [null, ...tenants.map((tenant) => tenant.id)] : [check.tenantId];
  const subjects = users.map((user) => ({ userId: user.id, customerId: user.customerId }));
  const excess = excessOf({
    granterId: granter.userId,
    granterMay,
    granted: check.granted ?? [],
    gains: check.affects ? gainsOf(access, check.change, subjects, places) : [],
  });
  if (!excess) return;
  const names = new Map(users.map((user) => [user.id, user.name]));
  const placeNames = new Map<string | null, string>(tenants.map((tenant) => [tenant.id, `tenant ${tenant.name}`]));
  placeNames.set(check.tenantId, check.place);
  throw refusal(check, excess, granter.userId, (userId) => names.get(userId) ?? userId, (tenantId) => placeNames.get(tenantId) ?? check.place);
}

function refusal(check: GrantCheck, excess: Excess, granterId: string, nameOf: (userId: string) => string, placeOf: (tenantId: string | null) => string) {
  const parts: string[] = [];
  if (excess.granted.length > 0) parts.push(`grant ${listed(excess.granted)} in ${check.place}`);
  const own = excess.gains.filter((gain) => gain.subject.userId === granterId);
  const others = excess.gains.filter((gain) => gain.subject.userId !== granterId);
  if (own.length > 0) parts.push(`give you ${listed(own.flatMap((gain) => gain.actions))} in ${placesOf(own, placeOf)}`);
  if (others.length > 0) {
    const who = [...new Set(others.map((gain) => nameOf(gain.subject.userId)))];
    parts.push(`give ${people(who)} ${listed(others.flatMap((gain) => gain.actions))} in ${placesOf(others, placeOf)}`);
  }
  const beyond = inCatalogueOrder([...excess.granted, ...excess.gains.flatMap((gain) => gain.actions)]);
  return forbidden(
    `${check.what} would ${parts.join(', and ')}, which you may not do there yourself; nobody grants more than they may do, nor raises themselves: ${
      check.instead ? `${check.instead}, or ` : ''
    }ask a system administrator or someone whose rights include them`,
    { permission: check.permission, beyond },
  );
}

const listed = (actions: readonly PermissionAction[]) => {
  const unique = inCatalogueOrder(actions);
  return unique.length > 8 ? `${unique.slice(0, 8).join(', ')} and ${unique.length - 8} more` : unique.join(', ');
};

const people = (names: readonly string[]) => {
  if (names.length > 5) return `${names.slice(0, 4).join(', ')} and ${names.length - 4} others`;
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

const placesOf = (gains: readonly { tenantId: string | null }[], placeOf: (tenantId: string | null) => string) => {
  const places = [...new Set(gains.map((gain) => placeOf(gain.tenantId)))];
  return places.length > 3 ? `${places.slice(0, 3).join(', ')} and ${places.length - 3} more places` : places.join(', ');
};

/** Someone a role is given to or taken from, and where: a tenant, or (null) the whole customer. */
export interface RoleHolding {
  customerId: string;
  tenant: { id: string; name: string } | null;
  /** The customer's name, for customer-wide roles. */
  customerName?: string;
  user: { id: string; name: string };
}

/**
 * Giving a role: nobody but a system administrator gives one to themselves (it would outlive any
 * change to the rights they have now), and the role, with its role mappings, grants no more than
 * the giver may do in its place; nor may it let its holder fall through to more (a blocked role).
 */
export async function requireMayGiveRole(ctx: CommandContext, holding: RoleHolding, role: string): Promise<void> {
  if (ctx.access.unrestricted) return;
  if (holding.user.id === ctx.actor.userId) {
    throw forbidden(
      'you cannot give yourself a role: it would outlive any change to the rights you have now; ask a system administrator or another administrator whose rights include it',
      { permission: 'MANAGE_USER_ROLE' },
    );
  }
  const access = await ctx.services.authorizer.customerAccess(holding.customerId, ctx.db);
  const tenantId = holding.tenant?.id ?? null;
  await requireWithinOwnRights(ctx, {
    ...roleCheck(holding),
    what: `role ${role}`,
    granted: roleGrants(access, role, holding.user.id, tenantId),
    change: tenantId ? { kind: 'tenantRole', tenantId, userId: holding.user.id, role } : { kind: 'customerRole', userId: holding.user.id, role },
    affects: { users: [holding.user.id], places: tenantId ? 'own' : 'customer' },
    instead: 'choose a narrower role',
  });
}

/**
 * Taking a role away narrows its holder, unless what she falls back to (a customer-wide role, the
 * tenant or customer mapping) is wider: then it must be within the taker's rights, and the taker
 * may not fall back to more herself.
 */
export async function requireMayTakeRole(ctx: CommandContext, holding: RoleHolding): Promise<void> {
  const tenantId = holding.tenant?.id ?? null;
  const whose = holding.user.id === ctx.actor.userId ? 'your' : `${holding.user.name}'s`;
  await requireWithinOwnRights(ctx, {
    ...roleCheck(holding),
    what: holding.tenant ? `taking ${whose} role in tenant ${holding.tenant.name}` : `taking ${whose} customer-wide role`,
    change: tenantId ? { kind: 'tenantRole', tenantId, userId: holding.user.id, role: null } : { kind: 'customerRole', userId: holding.user.id, role: null },
    affects: { users: [holding.user.id], places: tenantId ? 'own' : 'customer' },
  });
}

const roleCheck = (holding: RoleHolding) => ({
  customerId: holding.customerId,
  tenantId: holding.tenant?.id ?? null,
  place: holding.tenant ? `tenant ${holding.tenant.name}` : `customer ${holding.customerName ?? ''}`,
  permission: 'MANAGE_USER_ROLE' as const,
});
