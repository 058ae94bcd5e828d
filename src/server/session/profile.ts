import { featureEnabled } from '../../domain/access/license.js';
import { features, type Feature } from '../../protocol/features.js';
import { allPermissionActions, type PermissionAction } from '../../protocol/permissions.js';
import type { AccessStore } from '../access/access-store.js';
import type { Authorizer } from '../access/authorizer.js';

export interface ProfileSubject {
  userId: string;
  name: string;
  systemAdmin: boolean;
  customerId: string | null;
}

export interface ConsoleProfile {
  /** Edition features the user's customer has (every feature for platform users, whom no licence binds). */
  features: Feature[];
  /** Permission actions the user holds in at least one tenant or at customer level (every one for a system administrator). */
  actions: PermissionAction[];
}

export interface ProfileSources {
  authorizer: Pick<Authorizer, 'effective'>;
  accessStore: Pick<AccessStore, 'customer' | 'tenantsReachableBy' | 'refresh'>;
}

/**
 * What the console may offer a user: menus and buttons follow it. It decides nothing: every call
 * is still authorised on its own, so a stale profile shows a button whose call is then refused.
 */
export async function consoleProfile(sources: ProfileSources, subject: ProfileSubject): Promise<ConsoleProfile> {
  await sources.accessStore.refresh();
  const allFeatures = Object.keys(features) as Feature[];
  const license = subject.customerId === null ? null : (await sources.accessStore.customer(subject.customerId)).license;
  const enabled = license === null ? allFeatures : allFeatures.filter((feature) => featureEnabled(license, feature));
  if (subject.systemAdmin) return { features: enabled, actions: [...allPermissionActions] };

  const user = { id: subject.userId, name: subject.name, customerId: subject.customerId };
  const held = new Set<PermissionAction>();
  const add = (actions: ReadonlyMap<PermissionAction, unknown>) => {
    for (const action of actions.keys()) held.add(action);
  };
  if (subject.customerId !== null) add((await sources.authorizer.effective(user, subject.customerId, null)).actions);
  for (const tenant of await sources.accessStore.tenantsReachableBy(user)) {
    add((await sources.authorizer.effective(user, tenant.customerId, tenant.id)).actions);
  }
  return { features: enabled, actions: allPermissionActions.filter((action) => held.has(action)) };
}
