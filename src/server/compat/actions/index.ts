import type { CompatAction } from '../action.js';
import { billingActions } from './billing.js';
import { computeActions } from './compute.js';
import { eventActions } from './events.js';
import { networkActions } from './network.js';
import { organisationActions } from './organisation.js';
import { quotaActions } from './quotas.js';
import { scheduleActions } from './schedules.js';
import { status } from './status.js';
import { storageActions } from './storage.js';

/** Every action of the Maestro protocol this server supports, by action name. */
export const compatActions: ReadonlyMap<string, CompatAction> = new Map(
  [status, ...organisationActions, ...computeActions, ...storageActions, ...networkActions, ...scheduleActions, ...quotaActions, ...billingActions, ...eventActions].map(
    (action) => [action.action, action],
  ),
);
