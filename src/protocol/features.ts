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

/**
 * The commands each feature gates, by namespace (the manager of `manager.method`); an entry
 * `manager.method` puts one command of another feature's namespace under this one. Every
 * command's declared `feature` must agree with this table and every namespace must be in it
 * (test/protocol/feature-gates.test.ts), so a feature cannot end up gating nothing by accident and
 * a new namespace is placed in an edition on purpose. Namespaces without commands yet are where
 * those commands will go: the catalog (Terraform templates, stacks, catalog products) under iac,
 * autoconfiguration (profiles rendered to cloud-init, Chef, Ansible inventory) under autoconfig.
 */
export const featureGates = {
  organisation: [
    'customers',
    'tenantGroups',
    'tenants',
    'regions',
    'users',
    'keys',
    'permissions',
    'roles',
    'mappings',
    'licenses',
    'system',
    'compat',
    'nodes',
    'jobs',
  ],
  reporting: ['pricePolicies', 'billing', 'billingAccounts', 'billingImports'],
  quotas: ['quotas', 'approvals'],
  notifications: ['notifications', 'notificationSubscriptions', 'notificationTemplates', 'pushSubscriptions'],
  audit: ['events'],
  compute: ['shapes', 'images', 'instances', 'volumes', 'networks', 'securityGroups', 'publicIps', 'sshKeys', 'tags', 'resources', 'schedules', 'regions.discover'],
  iac: ['templates', 'stacks', 'catalogProducts'],
  autoconfig: ['autoconfigurationProfiles', 'ansible', 'chef'],
  privateClouds: ['simulator', 'agents'],
} as const satisfies Record<Feature, readonly string[]>;

const gateOf = new Map<string, Feature>(
  (Object.entries(featureGates) as [Feature, readonly string[]][]).flatMap(([feature, names]) => names.map((name) => [name, feature] as const)),
);

/** The feature that gates a command by the table above: its own entry, else its namespace's; undefined when neither is listed. */
export function gatingFeature(manager: string, method: string): Feature | undefined {
  return gateOf.get(`${manager}.${method}`) ?? gateOf.get(manager);
}
