import type { PermissionAction } from '../../protocol/permissions.js';

/**
 * The actions a grant would give beyond what its granter may do in that place, in catalogue
 * order. A grant never exceeds its granter: otherwise a user with the right to map could hand a
 * colleague (who hands it back) rights that nobody gave either of them.
 */
export function actionsBeyond(granted: Iterable<PermissionAction>, granterMay: ReadonlyMap<PermissionAction, unknown>): PermissionAction[] {
  return [...new Set(granted)].filter((action) => !granterMay.has(action));
}
