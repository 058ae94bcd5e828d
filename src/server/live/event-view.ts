import { commandsByName } from '../../protocol/commands/index.js';
import { AppError } from '../../protocol/errors.js';
import type { Authorizer } from '../access/authorizer.js';
import type { TenantPlace, UserPlace } from '../access/access-store.js';
import type { Actor } from '../actor.js';

/**
 * Which audit events a user may see on the live stream: the same as events.describe gives them.
 * That command answers for the caller's customer (all its tenants and its own customer-level
 * events) to whoever holds DESCRIBE_EVENTS there, and for one tenant to whoever holds it in that
 * tenant; the stream shows the union of every such answer, and everything to system
 * administrators. The decision is the authoriser's own, call by call, licence included.
 */
export interface EventView {
  all: boolean;
  tenantIds: ReadonlySet<string>;
  /** Events of no tenant are shown when they belong to this customer. */
  customerId: string | null;
}

export interface EventViewDeps {
  authorizer: Pick<Authorizer, 'authorize' | 'tenantsOf'>;
  /** The tenants where a user could hold any permission (AccessStore.tenantsReachableBy). */
  tenantsReachableBy(user: UserPlace): Promise<TenantPlace[]>;
}

const describeEvents = commandsByName.get('events.describe')!;

/** Refusals that mean "not there", as opposed to a failure that must surface. */
const isRefusal = (error: unknown) => error instanceof AppError && ['forbidden', 'license', 'not_found', 'unauthenticated'].includes(error.kind);

async function allowed(deps: EventViewDeps, actor: Actor, input: Record<string, unknown>) {
  try {
    return await deps.authorizer.authorize(describeEvents, input, actor);
  } catch (error) {
    if (isRefusal(error)) return null;
    throw error;
  }
}

export async function eventViewOf(deps: EventViewDeps, actor: Actor): Promise<EventView> {
  if (actor.systemAdmin) return { all: true, tenantIds: new Set(), customerId: null };
  const tenantIds = new Set<string>();
  let customerId: string | null = null;
  const customerWide = actor.customerId ? await allowed(deps, actor, {}) : null;
  if (customerWide?.customerId) {
    customerId = customerWide.customerId;
    for (const tenant of await deps.authorizer.tenantsOf(customerId)) tenantIds.add(tenant.id);
  }
  if (actor.userId) {
    for (const tenant of await deps.tenantsReachableBy({ id: actor.userId, name: actor.name, customerId: actor.customerId })) {
      if (!tenantIds.has(tenant.id) && (await allowed(deps, actor, { tenant: tenant.name }))) tenantIds.add(tenant.id);
    }
  }
  return { all: false, tenantIds, customerId };
}

/** The rule of events.describe's filter (src/server/queries/audit-events.ts), for one event. */
export function sees(view: EventView, event: { tenantId: string | null; customerId: string | null }): boolean {
  if (view.all) return true;
  if (event.tenantId !== null) return view.tenantIds.has(event.tenantId);
  return view.customerId !== null && event.customerId === view.customerId;
}

/** The same view as events.describe's filter arguments, for replaying through its query. */
export const auditFilterOf = (view: EventView) => ({
  tenantIds: view.all ? null : [...view.tenantIds],
  customerId: view.all ? null : view.customerId,
});

/** Commits that can change a view: permissions and licences, and tenants coming or going. */
export function movesViews(types: readonly string[], accessAffected: (types: readonly string[]) => boolean): boolean {
  return accessAffected(types) || types.some((type) => type.startsWith('tenant.') || type.startsWith('user.'));
}
