import type { PageEntry, RowAction } from './page-registry';
import { bespokePages } from '../pages/bespoke-pages';

/**
 * Every page of the console as data: menus, routes and guards come from here. A page shows only
 * when the user holds its action and the edition its feature. Pages without a _PAGE action in
 * src/protocol/permissions.ts use their list command's permission action.
 */
const instanceOnly = { field: 'type', equals: 'instance' } as const;
const lifecycle = (when?: RowAction['when']): RowAction[] => [
  { command: 'instances.start', label: 'Start', icon: 'play_arrow', bulk: true, ...(when ? { when } : {}) },
  { command: 'instances.stop', label: 'Stop', icon: 'stop', bulk: true, ...(when ? { when } : {}) },
  { command: 'instances.reboot', label: 'Reboot', icon: 'restart_alt', bulk: true, ...(when ? { when } : {}) },
  { command: 'instances.terminate', label: 'Terminate', icon: 'delete_forever', bulk: true, ...(when ? { when } : {}) },
];

const genericPages: PageEntry[] = [
  {
    path: 'management',
    title: 'Management',
    icon: 'dns',
    group: 'Resources',
    access: { action: 'MANAGEMENT_PAGE', feature: 'compute' },
    lists: [
      {
        command: 'resources.describe',
        facets: 'resources.facets',
        filters: ['tenant', 'name', 'state'],
        liveTypes: ['instance', 'volume', 'image', 'tag'],
        rowLink: '/instances/:id',
        actions: [...lifecycle(instanceOnly), { command: 'tags.set', label: 'Manage tags', icon: 'sell', from: { resourceId: 'id' } }],
        wizards: ['instances.run'],
      },
    ],
  },
  {
    path: 'instances',
    title: 'Instances',
    icon: 'computer',
    group: 'Resources',
    access: { action: 'DESCRIBE_INSTANCE', feature: 'compute' },
    lists: [
      {
        command: 'instances.describe',
        filters: ['tenant', 'region', 'state', 'name'],
        liveTypes: ['instance'],
        rowLink: '/instances/:id',
        actions: [...lifecycle(), { command: 'instances.resize', label: 'Resize', icon: 'aspect_ratio' }],
        wizards: ['instances.run'],
      },
    ],
  },
  {
    path: 'images',
    title: 'Images',
    icon: 'album',
    group: 'Resources',
    access: { action: 'IMAGES_PAGE', feature: 'compute' },
    lists: [
      {
        command: 'images.describe',
        filters: ['tenant', 'region', 'name'],
        liveTypes: ['image'],
        actions: [{ command: 'images.delete', label: 'Delete', icon: 'delete', bulk: true }],
        wizards: ['images.create'],
      },
    ],
  },
  {
    path: 'volumes',
    title: 'Volumes',
    icon: 'storage',
    group: 'Resources',
    access: { action: 'VOLUMES_PAGE', feature: 'compute' },
    lists: [
      {
        command: 'volumes.describe',
        filters: ['tenant', 'region', 'instance'],
        liveTypes: ['volume'],
        actions: [
          { command: 'volumes.attach', label: 'Attach', icon: 'link' },
          { command: 'volumes.detach', label: 'Detach', icon: 'link_off' },
          { command: 'volumes.delete', label: 'Delete', icon: 'delete', bulk: true },
        ],
        wizards: ['volumes.create'],
      },
    ],
  },
  {
    path: 'keys',
    title: 'Keys',
    icon: 'vpn_key',
    group: 'Resources',
    access: { action: 'DESCRIBE_SSH_KEY', feature: 'compute' },
    lists: [
      {
        command: 'sshKeys.describe',
        label: 'SSH keys',
        rowId: 'name',
        liveTypes: ['sshKey', 'ssh-key'],
        actions: [{ command: 'sshKeys.delete', label: 'Delete', icon: 'delete' }],
        wizards: ['sshKeys.create', 'sshKeys.import'],
      },
      {
        command: 'keys.describe',
        label: 'API keys',
        rowId: 'accessKey',
        liveTypes: ['key'],
        actions: [{ command: 'keys.delete', label: 'Revoke', icon: 'key_off' }],
        wizards: ['keys.create'],
      },
    ],
  },
  {
    path: 'schedules',
    title: 'Schedules',
    icon: 'schedule',
    group: 'Resources',
    access: { action: 'DESCRIBE_SCHEDULE', feature: 'compute' },
    lists: [
      {
        command: 'schedules.describe',
        label: 'Schedules',
        rowId: 'name',
        liveTypes: ['schedule'],
        actions: [
          { command: 'schedules.update', label: 'Change', icon: 'edit' },
          { command: 'schedules.attach', label: 'Attach instances', icon: 'link' },
          { command: 'schedules.detach', label: 'Detach instances', icon: 'link_off' },
          { command: 'schedules.delete', label: 'Delete', icon: 'delete' },
        ],
        wizards: ['schedules.create'],
      },
      { command: 'schedules.describeExecutions', label: 'Executions', rowId: 'dueAt', liveTypes: ['schedule'] },
    ],
  },
  {
    path: 'public-ips',
    title: 'Public IPs',
    icon: 'public',
    group: 'Resources',
    access: { action: 'DESCRIBE_PUBLIC_IP', feature: 'compute' },
    lists: [
      {
        command: 'publicIps.describe',
        filters: ['tenant', 'region', 'instance'],
        liveTypes: ['publicIp', 'public-ip'],
        actions: [
          { command: 'publicIps.associate', label: 'Associate', icon: 'link' },
          { command: 'publicIps.disassociate', label: 'Disassociate', icon: 'link_off' },
          { command: 'publicIps.release', label: 'Release', icon: 'delete', bulk: true },
        ],
        wizards: ['publicIps.allocate'],
      },
    ],
  },
  {
    path: 'networks',
    title: 'Networks',
    icon: 'lan',
    group: 'Resources',
    access: { action: 'DESCRIBE_NETWORK', feature: 'compute' },
    lists: [
      {
        command: 'networks.describe',
        rowId: 'nativeId',
        liveTypes: ['network'],
        actions: [
          { command: 'networks.activate', label: 'Activate', icon: 'toggle_on' },
          { command: 'networks.deactivate', label: 'Deactivate', icon: 'toggle_off' },
        ],
        wizards: ['networks.moveInstance'],
      },
    ],
  },
  {
    path: 'quotas',
    title: 'Quotas',
    icon: 'speed',
    group: 'Billing',
    access: { action: 'DESCRIBE_QUOTA', feature: 'quotas' },
    lists: [
      { command: 'quotas.describeMonthly', label: 'Monthly spending', rowId: 'scope', liveTypes: ['quota'], wizards: ['quotas.setMonthly'],
        actions: [{ command: 'quotas.deleteMonthly', label: 'Delete', icon: 'delete' }] },
      { command: 'quotas.describeDaily', label: 'Daily resources', rowId: 'region', liveTypes: ['quota'], wizards: ['quotas.setDaily'],
        actions: [{ command: 'quotas.deleteDaily', label: 'Delete', icon: 'delete' }] },
      { command: 'quotas.describePublicIps', label: 'Public IPs', rowId: 'region', liveTypes: ['quota'], wizards: ['quotas.setPublicIps'],
        actions: [{ command: 'quotas.deletePublicIps', label: 'Delete', icon: 'delete' }] },
    ],
  },
  {
    path: 'approvals',
    title: 'Approvals',
    icon: 'fact_check',
    group: 'Billing',
    access: { action: 'DESCRIBE_APPROVAL', feature: 'quotas' },
    lists: [
      {
        command: 'approvals.describe',
        filters: ['tenant', 'state'],
        liveTypes: ['approval'],
        actions: [
          { command: 'approvals.approve', label: 'Approve', icon: 'check', bulk: true },
          { command: 'approvals.reject', label: 'Reject', icon: 'close', bulk: true },
        ],
      },
    ],
  },
  {
    path: 'notifications',
    title: 'Notifications',
    icon: 'notifications',
    group: 'Personal',
    access: { action: 'NOTIFICATIONS_PAGE', feature: 'notifications' },
    load: () => import('../pages/notifications/notifications-page').then((m) => m.NotificationsPage),
  },
  {
    path: 'audit',
    title: 'Audit',
    icon: 'history',
    group: 'Operations',
    access: { action: 'DESCRIBE_EVENTS', feature: 'audit' },
    load: () => import('../pages/audit/audit-page').then((m) => m.AuditPage),
  },
  // Jobs and nodes (the JMX page) is bespoke: node health and job progress (pages/jobs-nodes).
  {
    path: 'administration',
    title: 'Administration',
    icon: 'admin_panel_settings',
    group: 'Administration',
    access: { action: 'ORGANISATION_PAGE', feature: 'organisation' },
    lists: [
      { command: 'customers.describe', label: 'Customers', rowId: 'name', liveTypes: ['customer'], wizards: ['customers.create'],
        actions: [{ command: 'customers.update', label: 'Change', icon: 'edit' }] },
      { command: 'tenants.describe', label: 'Tenants', rowId: 'name', liveTypes: ['tenant'], wizards: ['tenants.create'],
        actions: [
          { command: 'tenants.update', label: 'Change', icon: 'edit' },
          { command: 'tenants.activateRegion', label: 'Activate a region', icon: 'add_location' },
          { command: 'tenants.deactivateRegion', label: 'Deactivate a region', icon: 'wrong_location' },
        ] },
      { command: 'users.describe', label: 'Users', rowId: 'name', liveTypes: ['user'], wizards: ['users.create'],
        actions: [
          { command: 'users.update', label: 'Change', icon: 'edit' },
          { command: 'users.setPassword', label: 'Set password', icon: 'password' },
          { command: 'users.addRole', label: 'Add a role', icon: 'person_add' },
          { command: 'users.removeRole', label: 'Remove a role', icon: 'person_remove' },
        ] },
      { command: 'licenses.describe', label: 'Licences and editions', rowId: 'customer', liveTypes: ['license'], filters: ['customer'],
        wizards: ['licenses.set', 'licenses.toggleFeature'] },
      { command: 'regions.describe', label: 'Regions', rowId: 'name', liveTypes: ['region'], wizards: ['regions.create'],
        actions: [{ command: 'regions.update', label: 'Change', icon: 'edit' }] },
      { command: 'pricePolicies.describe', label: 'Price policies', liveTypes: ['pricePolicy', 'price-policy'], wizards: ['pricePolicies.create'],
        actions: [{ command: 'pricePolicies.delete', label: 'Delete', icon: 'delete' }] },
      { command: 'agents.describe', label: 'Agents', rowId: 'name', liveTypes: ['agent'], wizards: ['agents.create'],
        actions: [
          { command: 'agents.rotateKey', label: 'Rotate key', icon: 'autorenew' },
          { command: 'agents.delete', label: 'Delete', icon: 'delete' },
        ] },
    ],
  },
  {
    path: 'permissions',
    title: 'Users and roles',
    icon: 'badge',
    group: 'Administration',
    access: { action: 'PERMISSIONS_PAGE', feature: 'organisation' },
    lists: [
      { command: 'roles.describe', label: 'Roles', rowId: 'name', liveTypes: ['role'], wizards: ['roles.save'],
        actions: [
          { command: 'roles.block', label: 'Block', icon: 'block' },
          { command: 'roles.unblock', label: 'Unblock', icon: 'lock_open' },
          { command: 'roles.delete', label: 'Delete', icon: 'delete' },
        ] },
      { command: 'permissions.describeGroups', label: 'Permission groups', rowId: 'name', liveTypes: ['permissionGroup', 'permission-group'],
        wizards: ['permissions.saveGroup'], actions: [{ command: 'permissions.deleteGroup', label: 'Delete', icon: 'delete' }] },
      { command: 'mappings.describe', label: 'Mappings', rowId: 'role', liveTypes: ['mapping'], wizards: ['mappings.set'],
        actions: [{ command: 'mappings.remove', label: 'Remove', icon: 'delete' }] },
    ],
  },
];

/** The generic pages here, then the bespoke ones (pages/bespoke-pages.ts: dashboard, reporting, instance detail…). */
export const consolePages: readonly PageEntry[] = [...genericPages, ...bespokePages];
