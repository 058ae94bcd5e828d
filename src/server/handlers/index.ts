import type { AllHandlers } from '../context.js';
import { permissions, roles } from './access.js';
import { mappings } from './mappings.js';
import { agents } from './agents.js';
import { approvals } from './approvals.js';
import { billing, pricePolicies } from './billing.js';
import { billingAccounts, billingImports } from './billing-import.js';
import { compat } from './compat.js';
import { events } from './events.js';
import { images } from './images.js';
import { licenses } from './licenses.js';
import { instances } from './instances.js';
import { jobs, nodes } from './jobs.js';
import { keys } from './keys.js';
import { networks, securityGroups } from './networks.js';
import { publicIps } from './public-ips.js';
import { notifications, notificationSubscriptions, notificationTemplates, pushSubscriptions } from './notifications.js';
import { quotas } from './quotas.js';
import { customers, regions, tenantGroups, tenants, users } from './organisation.js';
import { schedules } from './schedules.js';
import { shapes } from './shapes.js';
import { simulator } from './simulator.js';
import { sshKeys } from './ssh-keys.js';
import { system } from './system.js';
import { resources, tags } from './tags.js';
import { volumes } from './volumes.js';

export const handlers: AllHandlers = {
  customers,
  tenantGroups,
  tenants,
  regions,
  users,
  keys,
  permissions,
  roles,
  mappings,
  licenses,
  pricePolicies,
  billing,
  billingAccounts,
  billingImports,
  shapes,
  images,
  instances,
  volumes,
  networks,
  securityGroups,
  publicIps,
  tags,
  resources,
  sshKeys,
  quotas,
  approvals,
  schedules,
  simulator,
  agents,
  events,
  notifications,
  notificationSubscriptions,
  notificationTemplates,
  pushSubscriptions,
  system,
  compat,
  nodes,
  jobs,
};
