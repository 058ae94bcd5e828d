/**
 * CADF 1.0 (DMTF DSP0262) vocabulary and the rendering of a recorded event as a CADF record.
 * Maestro extends the standard action taxonomy with the cloud actions the product audits
 * (attach, detach, discover, tag, untag, reboot), as the standard allows.
 */
export const cadfActions = [
  'create',
  'read',
  'update',
  'delete',
  'start',
  'stop',
  'reboot',
  'enable',
  'disable',
  'attach',
  'detach',
  'discover',
  'tag',
  'untag',
  'allow',
  'deny',
  'authenticate',
  'revoke',
  'configure',
  'notify',
  'evaluate',
] as const;
export type CadfAction = (typeof cadfActions)[number];

export const cadfOutcomes = ['success', 'failure', 'pending', 'unknown'] as const;
export type CadfOutcome = (typeof cadfOutcomes)[number];

export const cadfEventTypes = ['activity', 'monitor', 'control'] as const;
export type CadfEventType = (typeof cadfEventTypes)[number];

/** Resource type URIs from the CADF resource taxonomy, extended at its most granular node. */
export const targetTypes = {
  customer: 'data/security/domain',
  tenantGroup: 'data/security/group',
  tenant: 'data/security/project',
  region: 'data/config/region',
  user: 'data/security/account/user',
  role: 'data/security/role',
  permissionGroup: 'data/security/policy',
  permissionMapping: 'data/security/policy/mapping',
  license: 'data/security/license',
  pricePolicy: 'data/billing/policy',
  billingAccount: 'data/billing/account',
  billingImport: 'data/billing/import',
  credential: 'data/security/credential',
  service: 'service/compute',
  instance: 'compute/machine/vm',
  volume: 'storage/volume',
  image: 'data/image',
  /** A public (floating) address a tenant holds. */
  publicIp: 'network/address/public',
  /** A network of a region's cloud (a VLAN), as activated for a tenant. */
  network: 'network/segment',
  key: 'data/security/key',
  job: 'data/workload/job',
  quota: 'data/config/quota',
  approval: 'data/workload/approval',
  notification: 'data/notification',
  /** Notification subscriptions, tenant defaults, templates and push subscriptions. */
  notificationSetting: 'data/config/notification',
  schedule: 'data/workload/schedule',
  /** A private agent and its keys. */
  agent: 'service/agent',
  /** The API itself: the target of calls that were refused before they touched a resource. */
  api: 'service/api',
  /** The read models as a whole (rebuilt from the log). */
  database: 'data/database',
} as const;
export type TargetTypeUri = (typeof targetTypes)[keyof typeof targetTypes];

export interface CadfResource {
  typeURI: string;
  id: string;
  name?: string;
  host?: { address?: string; agent?: string };
}

export interface CadfRecord {
  typeURI: 'http://schemas.dmtf.org/cloud/audit/1.0/event';
  id: string;
  eventType: CadfEventType;
  eventTime: string;
  action: CadfAction;
  outcome: CadfOutcome;
  initiator: CadfResource;
  target: CadfResource;
  observer: CadfResource;
  reason?: { reasonType: string; reasonCode: string };
  attachments?: Array<{ typeURI: string; name: string; content: unknown }>;
  tags?: string[];
}

export const CADF_EVENT_TYPE_URI = 'http://schemas.dmtf.org/cloud/audit/1.0/event' as const;
