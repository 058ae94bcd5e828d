import type { CommandDefinition } from '../command.js';
import { licenses, mappings, permissions, roles } from './access.js';
import { agents } from './agents.js';
import { approvals } from './approvals.js';
import { billing, pricePolicies } from './billing.js';
import { billingAccounts, billingImports } from './billing-import.js';
import { compat } from './compat.js';
import { customers } from './customers.js';
import { events } from './events.js';
import { images } from './images.js';
import { instances } from './instances.js';
import { jobs, nodes } from './jobs.js';
import { networks, securityGroups } from './networks.js';
import { publicIps } from './public-ips.js';
import { keys } from './keys.js';
import { notifications, notificationSubscriptions, notificationTemplates, pushSubscriptions } from './notifications.js';
import { quotas } from './quotas.js';
import { regions } from './regions.js';
import { schedules } from './schedules.js';
import { shapes } from './shapes.js';
import { simulator } from './simulator.js';
import { sshKeys } from './ssh-keys.js';
import { system } from './system.js';
import { tenantGroups } from './tenant-groups.js';
import { resources, tags } from './tags.js';
import { tenants } from './tenants.js';
import { volumes } from './volumes.js';
import { users } from './users.js';

/**
 * Every API action, by manager. The JSON-RPC methods, the SDK, the CLI and the OpenRPC
 * document are all derived from this object.
 */
export const managers = {
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
  sshKeys,
  tags,
  resources,
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
} as const;

export type Managers = typeof managers;

export const allCommands: readonly CommandDefinition[] = Object.values(managers).flatMap(
  (manager) => Object.values(manager) as CommandDefinition[],
);

export const commandsByName: ReadonlyMap<string, CommandDefinition> = new Map(
  allCommands.map((command) => [command.name, command]),
);
