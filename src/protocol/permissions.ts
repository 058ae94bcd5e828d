/**
 * The catalog of permission actions (seed §3.2.1). Every command names one of these; the
 * console's wizards and pages name the `_WIZARD` and `_PAGE` ones. The type of a permission
 * action is derived from this table, so a typo is a compile error.
 *
 * Each action has a category, which is what the default permission groups are made of, and says
 * whether it only reads. `platform` actions belong to system administrators alone: no group,
 * role or mapping can grant them.
 */
export type PermissionKind = 'action' | 'wizard' | 'page';
export const permissionCategories = ['resources', 'billing', 'administration', 'basic', 'platform'] as const;
export type PermissionCategory = (typeof permissionCategories)[number];

export interface PermissionSpec {
  kind: PermissionKind;
  category: PermissionCategory;
  readOnly: boolean;
  summary: string;
}

const reads = (category: PermissionCategory, summary: string): PermissionSpec => ({ kind: 'action', category, readOnly: true, summary });
const writes = (category: PermissionCategory, summary: string): PermissionSpec => ({ kind: 'action', category, readOnly: false, summary });
const page = (category: PermissionCategory, summary: string): PermissionSpec => ({ kind: 'page', category, readOnly: true, summary });
const wizard = (category: PermissionCategory, summary: string): PermissionSpec => ({ kind: 'wizard', category, readOnly: false, summary });

export const permissionActions = {
  // Organisation, within a customer (Manage_Cloud)
  DESCRIBE_CUSTOMER: reads('administration', 'List customers'),
  CREATE_TENANT_GROUP: writes('administration', 'Create a tenant group'),
  DESCRIBE_TENANT_GROUP: reads('administration', 'List tenant groups'),
  DELETE_TENANT_GROUP: writes('administration', 'Delete an empty tenant group'),
  CREATE_TENANT: writes('administration', 'Create a tenant'),
  DESCRIBE_TENANT: reads('basic', 'List tenants'),
  UPDATE_TENANT: writes('administration', 'Change a tenant'),
  CREATE_USER: writes('administration', 'Create a user'),
  DESCRIBE_USER: reads('administration', 'List users'),
  UPDATE_USER: writes('administration', 'Change a user, set a password'),
  MANAGE_USER_ROLE: writes('administration', 'Give or take a user role in a tenant'),
  CREATE_KEY: writes('administration', "Create an API access key for another user (everyone may create their own)"),
  DESCRIBE_KEY: reads('administration', "List another user's API access keys"),
  DELETE_KEY: writes('administration', "Revoke another user's API access key"),
  // Permissions management (seed §3.2.1; Manage_Cloud)
  DESCRIBE_PERMISSIONS: reads('administration', 'List permission actions, groups, roles and mappings'),
  MANAGE_PERMISSION_GROUP: writes('administration', 'Create, change and delete custom permission groups'),
  MANAGE_ROLE: writes('administration', 'Create, change and delete custom roles'),
  MANAGE_PERMISSION_MAPPING: writes('administration', 'Set and remove permission mappings'),
  BLOCK_ROLE: writes('administration', 'Block or unblock a role in a tenant'),
  DESCRIBE_USER_PERMISSIONS: reads('basic', 'See the effective permissions of a user in a tenant (always allowed for yourself)'),
  DESCRIBE_LICENSE: reads('administration', "See a customer's edition, subscription and feature toggles"),
  // Compute (seed §3.3.2, §4.1.2; Resources_Management)
  DESCRIBE_REGION: reads('resources', 'List regions'),
  DESCRIBE_SHAPE: reads('resources', 'List the shapes of a region'),
  RUN_INSTANCE: writes('resources', 'Run instances'),
  DESCRIBE_INSTANCE: reads('resources', 'List instances'),
  START_INSTANCE: writes('resources', 'Start instances'),
  STOP_INSTANCE: writes('resources', 'Stop instances'),
  REBOOT_INSTANCE: writes('resources', 'Reboot instances'),
  TERMINATE_INSTANCE: writes('resources', 'Terminate instances'),
  RESIZE_INSTANCE: writes('resources', 'Move instances to another shape'),
  MANAGE_TERMINATION_PROTECTION: writes('resources', 'Turn termination protection on or off'),
  DESCRIBE_IMAGE: reads('resources', 'List images'),
  CREATE_IMAGE: writes('resources', 'Create an image from an instance'),
  DELETE_IMAGE: writes('resources', 'Delete an image'),
  CREATE_VOLUME: writes('resources', 'Create volumes'),
  DESCRIBE_VOLUME: reads('resources', 'List volumes'),
  ATTACH_VOLUME: writes('resources', 'Attach volumes to instances'),
  DETACH_VOLUME: writes('resources', 'Detach volumes from instances'),
  DELETE_VOLUME: writes('resources', 'Delete volumes'),
  DESCRIBE_NETWORK: reads('resources', 'List the networks of a region'),
  DESCRIBE_SECURITY_GROUP: reads('resources', 'List the security groups of a region'),
  ACTIVATE_NETWORK: writes('administration', "Activate or deactivate a region's networks (VLANs) for a tenant"),
  MOVE_INSTANCE_NETWORK: writes('resources', 'Move instances to another network (VLAN)'),
  ALLOCATE_PUBLIC_IP: writes('resources', 'Allocate public IPs'),
  DESCRIBE_PUBLIC_IP: reads('resources', 'List public IPs'),
  ASSOCIATE_PUBLIC_IP: writes('resources', 'Associate public IPs with instances'),
  DISASSOCIATE_PUBLIC_IP: writes('resources', 'Disassociate public IPs from instances'),
  RELEASE_PUBLIC_IP: writes('resources', 'Release public IPs'),
  CREATE_SSH_KEY: writes('resources', 'Create or import SSH keys'),
  DESCRIBE_SSH_KEY: reads('resources', 'List SSH keys'),
  DELETE_SSH_KEY: writes('resources', 'Delete SSH keys'),
  UPDATE_TAGS: writes('resources', 'Set resource tags'),
  DELETE_TAGS: writes('resources', 'Remove resource tags'),
  DESCRIBE_TAGS: reads('resources', 'Read resource tags'),
  DESCRIBE_RESOURCES: reads('resources', 'List all resources with their tags'),
  DESCRIBE_SCHEDULE: reads('resources', 'List instance schedules and their executions'),
  MANAGE_SCHEDULE: writes('resources', 'Create, change and delete instance schedules, attach and detach their instances'),
  // Audit (seed §3.5)
  DESCRIBE_EVENTS: reads('resources', 'Read the audit log (CADF events) of a tenant or customer, and export it'),
  // Billing, quotas, approvals (seed §3.4; Billing)
  DESCRIBE_BILLING_REPORT: reads('billing', 'Billing reports: total, subtotal, per resource, hourly, by tag'),
  DESCRIBE_PRICE: reads('billing', 'Price policies and cost estimates'),
  DESCRIBE_QUOTA: reads('billing', 'Quotas and their use'),
  UPDATE_QUOTA: writes('billing', 'Set and remove quotas (the Manage Quotas wizard)'),
  DESCRIBE_APPROVAL: reads('billing', 'See requests waiting for approval'),
  APPROVE_REQUEST: writes('billing', 'Approve or reject requests held by a quota'),
  // Basic (seed §3.2.1: my permissions, default settings, notifications)
  DESCRIBE_SYSTEM: reads('basic', 'See the status of the control plane and who you are'),
  // Notifications (seed §3.5.1): your own are Basic; a tenant's defaults and a customer's templates are administration
  DESCRIBE_NOTIFICATIONS: reads('basic', 'Your notifications, the types you receive by each channel, your push subscriptions'),
  MANAGE_NOTIFICATIONS: writes('basic', 'Mark your notifications read, choose the types you receive, register push subscriptions'),
  MANAGE_NOTIFICATION_DEFAULTS: writes('administration', "Set a tenant's default notification subscriptions"),
  DESCRIBE_SENT_NOTIFICATIONS: reads('administration', "Every notification of a customer with its recipients and delivery status, and the customer's templates"),
  MANAGE_NOTIFICATION_TEMPLATE: writes('administration', "Override a customer's notification templates"),
  // Platform operations: system administrators only
  CREATE_CUSTOMER: writes('platform', 'Create a customer'),
  UPDATE_CUSTOMER: writes('platform', 'Change a customer'),
  CREATE_REGION: writes('platform', 'Create a region'),
  UPDATE_REGION: writes('platform', 'Change a region'),
  ACTIVATE_TENANT_REGION: writes('platform', 'Activate or deactivate a tenant in a region'),
  MANAGE_SHAPE: writes('platform', 'Add or remove custom shapes of a region'),
  DISCOVER_INSTANCES: writes('platform', 'Run discovery of instances not created through Maestro'),
  MANAGE_SIMULATOR: writes('platform', 'Configure the simulated cloud: capacity, latency, faults'),
  MANAGE_AGENT: writes('platform', 'Register private agents, rotate and retire their keys'),
  DESCRIBE_AGENT: reads('platform', 'See private agents: online or not since when, their regions and keys'),
  MANAGE_LICENSE: writes('platform', "Set a customer's edition, subscription and feature toggles"),
  MANAGE_PRICE_POLICY: writes('platform', 'Set the price policies of private regions'),
  MANAGE_BILLING_IMPORT: writes('platform', 'Map billing accounts to tenants and import public billing (FOCUS)'),
  RUN_BILLING: writes('platform', 'Run hourly billing now (it also runs on its own)'),
  REBUILD_PROJECTIONS: writes('platform', 'Rebuild every projection from the event log'),
  DESCRIBE_NODES: reads('platform', 'See the control-plane nodes: heartbeats, load, jobs running (the JMX page)'),
  DESCRIBE_JOBS: reads('platform', 'See jobs and recurring jobs: statuses, attempts, errors, schedules (the JMX page)'),
  RETRY_JOB: writes('platform', 'Run a failed job again'),
  // Console pages and wizards
  ORGANISATION_PAGE: page('administration', 'The organisation page: tenants, users, roles'),
  PERMISSIONS_PAGE: page('administration', 'The permissions page: groups, roles, mappings'),
  MANAGEMENT_PAGE: page('resources', 'The management page: instances, volumes, images'),
  IMAGES_PAGE: page('resources', 'The images page'),
  VOLUMES_PAGE: page('resources', 'The volumes page'),
  BILLING_PAGE: page('billing', 'The billing reports page'),
  MY_PERMISSIONS_PAGE: page('basic', 'The "my permissions" page'),
  NOTIFICATIONS_PAGE: page('basic', 'The notifications page and settings'),
  RUN_INSTANCE_WIZARD: wizard('resources', 'The run-instance wizard'),
  MANAGE_QUOTAS_WIZARD: wizard('billing', 'The Manage Quotas wizard'),
  CREATE_IMAGE_WIZARD: wizard('resources', 'The create-image wizard'),
  CREATE_VOLUME_WIZARD: wizard('resources', 'The create-volume wizard'),
  CREATE_TENANT_WIZARD: wizard('administration', 'The tenant creation wizard'),
  CREATE_USER_WIZARD: wizard('administration', 'The user creation wizard'),
} as const satisfies Record<string, PermissionSpec>;

export type PermissionAction = keyof typeof permissionActions;

export const allPermissionActions = Object.keys(permissionActions) as PermissionAction[];

export function isPermissionAction(name: string): name is PermissionAction {
  return Object.hasOwn(permissionActions, name);
}

/** Actions a group, role or mapping may hold: everything but the platform's own. */
export const grantableActions = allPermissionActions.filter((action) => permissionActions[action].category !== 'platform');
