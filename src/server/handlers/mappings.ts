import type { Managers } from '../../protocol/commands/index.js';
import * as events from '../../protocol/events/access.js';
import { forbidden, invalidInput, notFound } from '../../protocol/errors.js';
import { isPermissionAction } from '../../protocol/permissions.js';
import { requireWithinOwnRights } from '../access/grant-limits.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import * as q from '../queries/access.js';
import { customerNameOf, customerRow, tenantRow } from '../queries/organisation.js';
import { managedCustomer, requireGroups } from './access.js';
import { userOfCustomer } from './scope.js';

type MappingInput = { level: q.MappingKey['level']; customer?: string | undefined; tenant?: string | undefined; role?: string | undefined; user?: string | undefined };

/** Checks that a mapping names exactly what its level needs, and finds its key. */
async function mappingKey(ctx: CommandContext, input: MappingInput): Promise<q.MappingKey> {
  const fieldsByLevel: Record<q.MappingKey['level'], readonly string[]> = {
    customer: [],
    tenant: ['tenant'],
    role: ['tenant', 'role'],
    user: ['tenant', 'user'],
  };
  const needs = fieldsByLevel[input.level];
  for (const field of ['tenant', 'role', 'user'] as const) {
    const given = input[field] !== undefined;
    if (given !== needs.includes(field)) {
      throw invalidInput(
        `a ${input.level} mapping ${given ? 'takes no' : 'needs a'} ${field}; it is set by ${['level', ...needs].join(', ')}`,
        { field },
      );
    }
  }
  const tenant = input.tenant === undefined ? null : await tenantRow(ctx.db, input.tenant);
  const customer = tenant ? { id: tenant.customerId } : await managedCustomer(ctx, input.customer);
  // Compared by name, so that naming another customer says nothing of whether it exists.
  if (tenant && input.customer !== undefined && (await customerNameOf(ctx.db, tenant.customerId)) !== input.customer) {
    throw invalidInput(`tenant ${tenant.name} does not belong to customer ${input.customer}; leave customer out, the tenant names it`, {
      field: 'customer',
    });
  }
  if (input.role !== undefined) await q.requireRole(ctx.db, customer.id, input.role);
  // System administrators may map users of other customers; anyone else sees only their customer's.
  const user = input.user === undefined ? null : await userOfCustomer(ctx, input.user, customer.id);
  return { customerId: customer.id, level: input.level, tenantId: tenant?.id ?? null, role: input.role ?? null, userId: user?.id ?? null };
}

export const mappings: ManagerHandlers<Managers['mappings']> = {
  async describe(input, ctx) {
    const tenant = input.tenant === undefined ? null : await tenantRow(ctx.db, input.tenant);
    const customerId = tenant?.customerId ?? (input.customer !== undefined ? (await customerRow(ctx.db, input.customer)).id : ctx.access.customerId);
    return { items: await q.mappings(ctx.db, { customerId, tenantId: tenant?.id ?? null }) };
  },
  async set(input, ctx) {
    const key = await mappingKey(ctx, input);
    await requireGroups(ctx, key.customerId, input.groups);
    await requireMayMap(ctx, key, input);
    await ctx.emit(events.mappingSet, { ...key, groups: [...new Set(input.groups)] }, mappingScope(key));
    return (await q.mapping(ctx.db, key))!;
  },
  async remove(input, ctx) {
    const key = await mappingKey(ctx, input);
    await requireMayMap(ctx, key, input);
    if (!(await q.mapping(ctx.db, key))) throw notFound('permission mapping', describeKey(input));
    await ctx.emit(events.mappingRemoved, key, mappingScope(key));
    return { ok: true as const };
  },
};

/**
 * What only a system administrator may do with a mapping: set or remove their own user mapping;
 * set one that grants more than they may do in its place; or set or remove one so that anyone
 * there, themselves included, gains what they may not do (`src/domain/access/grants.ts`). Any of
 * these would let a user keep, through a mapping, rights that a change of their role or a block
 * takes away, or hand out rights that nobody gave them.
 */
async function requireMayMap(ctx: CommandContext, key: q.MappingKey, input: MappingInput & { groups?: readonly string[] }): Promise<void> {
  if (ctx.access.unrestricted) return;
  if (key.level === 'user' && key.userId === ctx.actor.userId) {
    throw forbidden(
      'you cannot set or remove your own user mapping: it would outrank the role an administrator gives you and outlive any change to it; ask another administrator',
      { permission: 'MANAGE_PERMISSION_MAPPING' },
    );
  }
  const place = input.tenant !== undefined ? `tenant ${input.tenant}` : input.customer !== undefined ? `customer ${input.customer}` : 'your customer';
  const check = {
    customerId: key.customerId,
    tenantId: key.level === 'customer' ? null : key.tenantId,
    place,
    permission: 'MANAGE_PERMISSION_MAPPING' as const,
    instead: input.groups === undefined ? undefined : 'choose narrower groups',
  };
  const change = { kind: 'mapping' as const, ...key, setBy: ctx.actor.userId! };
  if (input.groups !== undefined) {
    const groups = new Set(input.groups);
    const granted = (await q.permissionGroups(ctx.db, key.customerId)).filter((group) => groups.has(group.name)).flatMap((group) => group.actions);
    // Whoever the mapping decides for gets its groups, which must be within the setter's rights.
    // Only the setter can gain anything else: the mapping stops applying to her, and she falls
    // through to the levels below it.
    await requireWithinOwnRights(ctx, {
      ...check,
      what: [...groups].join(', '),
      granted: granted.filter(isPermissionAction),
      change: { ...change, groups: [...groups] },
      affects: { users: 'caller', places: key.level === 'customer' ? 'customer' : 'own' },
    });
    return;
  }
  // Removing the customer mapping, the last level, only takes away. Removing any other lets those
  // it decided for fall through to the level below, which may be wider than the remover's rights.
  if (key.level === 'customer') return;
  await requireWithinOwnRights(ctx, {
    ...check,
    what: `removing the ${describeRemoved(input)}`,
    change: { ...change, groups: null },
    affects: { users: key.level === 'user' ? [key.userId!] : 'everyone', places: 'own' },
  });
}

/** A mapping as the refusal of its removal names it: `user mapping of gina in tenant ACME-DEV`. */
const describeRemoved = (input: MappingInput) =>
  input.level === 'user'
    ? `user mapping of ${input.user} in tenant ${input.tenant}`
    : input.level === 'role'
      ? `role mapping of role ${input.role} in tenant ${input.tenant}`
      : `tenant mapping of tenant ${input.tenant}`;

const describeKey = (input: MappingInput) =>
  [input.level, input.tenant && `tenant ${input.tenant}`, input.role && `role ${input.role}`, input.user && `user ${input.user}`]
    .filter(Boolean)
    .join(', ');

const mappingScope = (key: q.MappingKey) => ({
  target: { id: [key.customerId, key.level, key.tenantId, key.role, key.userId].filter(Boolean).join('/') },
  customerId: key.customerId,
  tenantId: key.tenantId,
});
