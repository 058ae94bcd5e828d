import { allPermissionActions, type PermissionAction } from '../../protocol/permissions.js';
import { applyChange, type AccessChange } from './changes.js';
import { actionsOf, resolvePermissions, roleGroupsIn, type AccessSubject, type CustomerAccess } from './resolve.js';

/**
 * Who may grant what (docs/access-control.md, "Who may grant what"). Nobody but a system
 * administrator grants more than they may do themselves, nor raises themselves: otherwise a user
 * with the right to manage roles, groups or mappings could hand a colleague (who hands it back)
 * rights that nobody gave either of them, or keep through a role or mapping what a demotion takes
 * away. A change is held to it twice:
 *
 * - what it grants for as long as it stands (a mapping's groups, a role given, a role or group
 *   saved) must be within the granter's effective actions in its place;
 * - what it gives anyone there now, beyond what they had (a removal or a block that lets people
 *   fall back to a wider level; a mapping that stops applying to the one who sets it again), must
 *   be too, and the granter herself may gain nothing at all.
 */

const catalogueOrder = new Map(allPermissionActions.map((action, index) => [action, index]));
/** Actions once each, in the catalogue's order. */
export const inCatalogueOrder = (actions: Iterable<PermissionAction>): PermissionAction[] =>
  [...new Set(actions)].sort((a, b) => catalogueOrder.get(a)! - catalogueOrder.get(b)!);

/** The actions a grant would give beyond what its granter may do in that place, in catalogue order. */
export function actionsBeyond(granted: Iterable<PermissionAction>, granterMay: ReadonlyMap<PermissionAction, unknown>): PermissionAction[] {
  return inCatalogueOrder(granted).filter((action) => !granterMay.has(action));
}

/**
 * What giving a role grants its holder for as long as she holds it. In a tenant: its groups there
 * (the role mapping, which replaces them, unless she set it herself; else its own). Customer-wide
 * (tenantId null): its own groups and each of its role mappings in the customer's tenants, since a
 * customer-wide role counts in every tenant where she has no role of her own.
 */
export function roleGrants(access: CustomerAccess, role: string, holderId: string, tenantId: string | null): PermissionAction[] {
  const groups = [...(roleGroupsIn(access, role, tenantId, holderId) ?? [])];
  if (tenantId === null) {
    for (const key of access.roleMappings.keys()) {
      const mappedTenant = key.slice(0, key.indexOf('/'));
      if (key.slice(key.indexOf('/') + 1) === role) groups.push(...(roleGroupsIn(access, role, mappedTenant, holderId) ?? []));
    }
  }
  return inCatalogueOrder(actionsOf(access, groups).keys());
}

/** Actions a user would have in a place after a change and does not have before it. */
export interface Gain {
  subject: AccessSubject;
  /** A tenant, or null for the customer as a whole. */
  tenantId: string | null;
  actions: PermissionAction[];
}

/** What a change would give each of `subjects` in each of `places`, beyond what they have now. */
export function gainsOf(access: CustomerAccess, change: AccessChange, subjects: readonly AccessSubject[], places: readonly (string | null)[]): Gain[] {
  const after = applyChange(access, change);
  const gains: Gain[] = [];
  for (const subject of subjects) {
    for (const tenantId of places) {
      const had = resolvePermissions(access, subject, tenantId).actions;
      const actions = inCatalogueOrder([...resolvePermissions(after, subject, tenantId).actions.keys()].filter((action) => !had.has(action)));
      if (actions.length > 0) gains.push({ subject, tenantId, actions });
    }
  }
  return gains;
}

/** The part of a change its granter may not make; null when there is none. */
export interface Excess {
  /** What it grants beyond the granter's actions. */
  granted: PermissionAction[];
  /** What it gives others beyond the granter's actions (and beyond `granted`), and whatever it gives the granter. */
  gains: Gain[];
}

export function excessOf(change: {
  granterId: string;
  /** The granter's effective actions in the change's place. */
  granterMay: ReadonlyMap<PermissionAction, unknown>;
  granted: Iterable<PermissionAction>;
  gains: readonly Gain[];
}): Excess | null {
  const granted = actionsBeyond(change.granted, change.granterMay);
  // What others gain is told only where it goes beyond what the change grants; the granter may gain nothing.
  const told = new Set(granted);
  const gains = change.gains
    .map((gain) => ({
      ...gain,
      actions:
        gain.subject.userId === change.granterId
          ? gain.actions
          : actionsBeyond(gain.actions, change.granterMay).filter((action) => !told.has(action)),
    }))
    .filter((gain) => gain.actions.length > 0);
  return granted.length > 0 || gains.length > 0 ? { granted, gains } : null;
}
