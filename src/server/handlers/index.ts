import type { AllHandlers } from '../context.js';
import { keys } from './keys.js';
import { customers, regions, tenantGroups, tenants, users } from './organisation.js';
import { system } from './system.js';

export const handlers: AllHandlers = { customers, tenantGroups, tenants, regions, users, keys, system };
