import { editionIncludes, features, type Edition, type Feature } from '../../protocol/features.js';

export type SubscriptionState = 'active' | 'grace' | 'suspended';

/** A customer's licence (seed §3.2.2): an edition, a subscription period and feature toggles. */
export interface License {
  edition: Edition;
  /** When the paid period ends; null for a subscription without end. */
  endsAt: string | null;
  /** Days after the end during which reading still works. */
  graceDays: number;
  /** Suspended by an administrator, whatever the dates say. */
  suspended: boolean;
  /** Features switched on beyond the edition (true) or off within it (false). */
  toggles: Readonly<Partial<Record<Feature, boolean>>>;
}

const dayMs = 86_400_000;

export function subscriptionState(license: License, now: Date): SubscriptionState {
  if (license.suspended) return 'suspended';
  if (license.endsAt === null) return 'active';
  const ends = Date.parse(license.endsAt);
  if (now.getTime() < ends) return 'active';
  return now.getTime() < ends + license.graceDays * dayMs ? 'grace' : 'suspended';
}

export function featureEnabled(license: License, feature: Feature): boolean {
  return license.toggles[feature] ?? editionIncludes(license.edition, feature);
}

export type LicenseVerdict = { allowed: true } | { allowed: false; reason: string };

/** Whether a call of this feature may run: licensed, and the subscription allows it. */
export function licenseVerdict(license: License, feature: Feature, readOnly: boolean, now: Date): LicenseVerdict {
  if (!featureEnabled(license, feature)) {
    const needed = features[feature].edition;
    return {
      allowed: false,
      reason: `the feature ${feature} (${features[feature].summary}) is not in your ${license.edition} licence; it needs the ${needed} edition or a feature toggle`,
    };
  }
  const state = subscriptionState(license, now);
  if (state === 'suspended') {
    return { allowed: false, reason: 'the subscription is suspended; renew it (an administrator sets a new end date) to use Maestro again' };
  }
  if (state === 'grace' && !readOnly) {
    return {
      allowed: false,
      reason: `the subscription ended on ${license.endsAt}; during the grace period only reading works — renew it to make changes`,
    };
  }
  return { allowed: true };
}
