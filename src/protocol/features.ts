/**
 * Licensed features and the editions that include them (seed §1.2). An edition includes every
 * feature of the editions below it.
 */
export const editions = ['standard', 'professional', 'enterprise'] as const;
export type Edition = (typeof editions)[number];

export const features = {
  organisation: { edition: 'standard', summary: 'Customers, tenants, regions, users and keys' },
  reporting: { edition: 'standard', summary: 'Billing and cost reports across clouds' },
  quotas: { edition: 'standard', summary: 'Monthly spending limits and resource quotas' },
  notifications: { edition: 'standard', summary: 'Alerts and notifications on significant events' },
  audit: { edition: 'standard', summary: 'The event audit log' },
  compute: { edition: 'professional', summary: 'Virtual server management in public clouds' },
  iac: { edition: 'professional', summary: 'Infrastructure as code (Terraform templates)' },
  autoconfig: { edition: 'professional', summary: 'Autoconfiguration (cloud-init, Chef, Ansible)' },
  privateClouds: { edition: 'enterprise', summary: 'Private regions on OpenStack and VMware' },
} as const satisfies Record<string, { edition: Edition; summary: string }>;

export type Feature = keyof typeof features;

export function editionIncludes(edition: Edition, feature: Feature): boolean {
  return editions.indexOf(features[feature].edition) <= editions.indexOf(edition);
}
