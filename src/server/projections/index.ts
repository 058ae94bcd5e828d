import * as accessEvents from '../../protocol/events/access.js';
import * as agentEvents from '../../protocol/events/agents.js';
import * as billingEvents from '../../protocol/events/billing.js';
import * as billingImportEvents from '../../protocol/events/billing-import.js';
import * as computeEvents from '../../protocol/events/compute.js';
import * as jobEvents from '../../protocol/events/jobs.js';
import * as loginEvents from '../../protocol/events/login.js';
import * as networkEvents from '../../protocol/events/networks.js';
import * as notificationEvents from '../../protocol/events/notifications.js';
import * as organisationEvents from '../../protocol/events/organisation.js';
import * as quotaEvents from '../../protocol/events/quotas.js';
import * as scheduleEvents from '../../protocol/events/schedules.js';
import * as systemEvents from '../../protocol/events/system.js';
import type { EventDefinition } from '../../protocol/events.js';
import type { Projection } from '../../store/projection.js';
import { accessProjections } from './access.js';
import { agentProjections } from './agents.js';
import { billingProjections } from './billing.js';
import { billingImportProjections } from './billing-import.js';
import { computeProjections } from './compute.js';
import { networkProjections } from './networks.js';
import { notificationProjections } from './notifications.js';
import { organisationProjections } from './organisation.js';
import { quotaProjections } from './quotas.js';
import { scheduleProjections } from './schedules.js';

/** Every projection kept in step with the log, and every event type the log may hold. */
export const projections: readonly Projection[] = [...organisationProjections, ...computeProjections, ...networkProjections, ...accessProjections, ...billingProjections, ...quotaProjections, ...billingImportProjections, ...scheduleProjections, ...notificationProjections, ...agentProjections];

export const eventDefinitions: readonly EventDefinition[] = [...Object.values(organisationEvents), ...Object.values(computeEvents), ...Object.values(networkEvents), ...Object.values(accessEvents), ...Object.values(billingEvents), ...Object.values(quotaEvents), ...Object.values(billingImportEvents), ...Object.values(scheduleEvents), ...Object.values(notificationEvents), ...Object.values(loginEvents), ...Object.values(jobEvents), ...Object.values(agentEvents), ...Object.values(systemEvents)];
