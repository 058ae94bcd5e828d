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
  // Platform operations
  DESCRIBE_SYSTEM: action('See the status of the control plane'),
  REBUILD_PROJECTIONS: action('Rebuild every projection from the event log'),
  // Console
  ORGANISATION_PAGE: { kind: 'page', summary: 'The organisation page of the console' },
  CREATE_TENANT_WIZARD: { kind: 'wizard', summary: 'The tenant creation wizard' },
} as const satisfies Record<string, PermissionSpec>;

export type PermissionAction = keyof typeof permissionActions;
