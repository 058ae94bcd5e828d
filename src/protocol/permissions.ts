/**
 * The catalog of permission actions (seed §3.2.1). Every command names one of these; the
 * console's wizards and pages name the `_WIZARD` and `_PAGE` ones. The type of a permission
 * action is derived from this table, so a typo is a compile error.
 */
export type PermissionKind = 'action' | 'wizard' | 'page';

interface PermissionSpec {
  kind: PermissionKind;
  summary: string;
}

const action = (summary: string): PermissionSpec => ({ kind: 'action', summary });

export const permissionActions = {
  // Organisation (administrative)
  CREATE_CUSTOMER: action('Create a customer'),
  DESCRIBE_CUSTOMER: action('List customers'),
  UPDATE_CUSTOMER: action('Change a customer'),
  CREATE_TENANT_GROUP: action('Create a tenant group'),
  DESCRIBE_TENANT_GROUP: action('List tenant groups'),
  DELETE_TENANT_GROUP: action('Delete an empty tenant group'),
  CREATE_TENANT: action('Create a tenant'),
  DESCRIBE_TENANT: action('List tenants'),
  UPDATE_TENANT: action('Change a tenant'),
  ACTIVATE_TENANT_REGION: action('Activate or deactivate a tenant in a region'),
  CREATE_REGION: action('Create a region'),
  DESCRIBE_REGION: action('List regions'),
  UPDATE_REGION: action('Change a region'),
  CREATE_USER: action('Create a user'),
  DESCRIBE_USER: action('List users'),
  UPDATE_USER: action('Change a user, set a password'),
  MANAGE_USER_ROLE: action('Give or take a user role in a tenant'),
  CREATE_KEY: action('Create an API access key'),
  DESCRIBE_KEY: action('List API access keys'),
  DELETE_KEY: action('Revoke an API access key'),
  // Compute (seed §3.3.2, §4.1.2)
  DESCRIBE_SHAPE: action('List the shapes of a region'),
  MANAGE_SHAPE: action('Add or remove custom shapes of a region'),
  RUN_INSTANCE: action('Run instances'),
  DESCRIBE_INSTANCE: action('List instances'),
  START_INSTANCE: action('Start instances'),
  STOP_INSTANCE: action('Stop instances'),
  REBOOT_INSTANCE: action('Reboot instances'),
  TERMINATE_INSTANCE: action('Terminate instances'),
  MANAGE_TERMINATION_PROTECTION: action('Turn termination protection on or off'),
  DESCRIBE_IMAGE: action('List images'),
  CREATE_IMAGE: action('Create an image from an instance'),
  DELETE_IMAGE: action('Delete an image'),
  CREATE_VOLUME: action('Create volumes'),
  DESCRIBE_VOLUME: action('List volumes'),
  ATTACH_VOLUME: action('Attach volumes to instances'),
  DETACH_VOLUME: action('Detach volumes from instances'),
  DELETE_VOLUME: action('Delete volumes'),
  CREATE_SSH_KEY: action('Create or import SSH keys'),
  DESCRIBE_SSH_KEY: action('List SSH keys'),
  DELETE_SSH_KEY: action('Delete SSH keys'),
  UPDATE_TAGS: action('Set resource tags'),
  DELETE_TAGS: action('Remove resource tags'),
  DESCRIBE_TAGS: action('Read resource tags'),
  DESCRIBE_RESOURCES: action('List all resources with their tags'),
  DISCOVER_INSTANCES: action('Run discovery of instances not created through Maestro'),
  MANAGE_SIMULATOR: action('Configure the simulated cloud: capacity, latency, faults'),
  // Platform operations
  DESCRIBE_SYSTEM: action('See the status of the control plane'),
  REBUILD_PROJECTIONS: action('Rebuild every projection from the event log'),
  // Console
  ORGANISATION_PAGE: { kind: 'page', summary: 'The organisation page of the console' },
  MANAGEMENT_PAGE: { kind: 'page', summary: 'The management page of the console (instances, volumes, images)' },
  RUN_INSTANCE_WIZARD: { kind: 'wizard', summary: 'The run-instance wizard' },
  CREATE_TENANT_WIZARD: { kind: 'wizard', summary: 'The tenant creation wizard' },
} as const satisfies Record<string, PermissionSpec>;

export type PermissionAction = keyof typeof permissionActions;
