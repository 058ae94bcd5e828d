import foundation from './0001-foundation.js';
import compute from './0002-compute.js';
import computeIndexes from './0003-compute-indexes.js';
import access from './0004-access.js';
import billing from './0005-billing.js';
import billingImport from './0006-billing-import.js';
import quotas from './0007-quotas.js';
import jobs from './0008-jobs.js';
import notifications from './0009-notifications.js';
import schedules from './0010-schedules.js';
import requestReplays from './0011-request-replays.js';
import installation from './0012-installation.js';
import scheduleLeases from './0013-schedule-leases.js';
import mappingAuthors from './0014-mapping-authors.js';
import tenantPage from './0015-tenant-page.js';
import agents from './0016-agents.js';
import agentState from './0017-agent-state.js';
import listingPagesText from './0018-listing-pages-text.js';
import deferredImages from './0019-deferred-images.js';
import deferredVolumes from './0020-deferred-volumes.js';
import listingPagesUncompressed from './0021-listing-pages-uncompressed.js';
import instanceResizes from './0022-instance-resizes.js';
import chunkedBillingImport from './0023-chunked-billing-import.js';
import publicIps from './0024-public-ips.js';
import clientDetails from './0025-client-details.js';
import consoleSessions from './0026-console-sessions.js';
import managementSorts from './0027-management-sorts.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order. A migration, once released, is never edited: add a new one. */
export const migrations: readonly Migration[] = [foundation, compute, computeIndexes, access, billing, billingImport, quotas, jobs, notifications, schedules, requestReplays, installation, scheduleLeases, mappingAuthors, tenantPage, agents, agentState, listingPagesText, deferredImages, deferredVolumes, listingPagesUncompressed, instanceResizes, chunkedBillingImport, publicIps, clientDetails, consoleSessions, managementSorts];
