import type { OutputOf } from '../../../protocol/command.js';
import type { events } from '../../../protocol/commands/events.js';
import { invalidInput, notFound } from '../../../protocol/errors.js';
import { clientDate, defineAction } from '../action.js';
import { answersTo } from '../client-clouds.js';
import { cloudParam, m3, wireParams } from '../params.js';

/**
 * GET_EVENTS (describe-events) over Maestro's audit log (`events.describe`): the latest events of
 * a tenant, newest first, or one event by its id.
 */
type AuditEvent = OutputOf<typeof events.describe>['items'][number];

const DAY = 86_400_000;

/**
 * The original's search types group events by domain; the audit log filters by tenant, region,
 * resource and time only. ALL is every event, RELATED those of one resource.
 */
const searchTypes = [
  'ALL',
  'RELATED',
  'TENANT',
  'SECURITY',
  'BILLING',
  'MANAGEMENT',
  'AZURE_BICEP',
  'TERRAFORM',
  'CLOUD_FORMATION',
  'VIOLATION',
] as const;

const row = (event: AuditEvent) => ({
  resourceId: event.target.id,
  initiator: event.initiator.name,
  group: event.target.typeURI,
  eventDescription: `${event.type}: ${event.action} ${event.target.name ?? event.target.id} (${event.outcome})`,
  // The client prints this column as it comes (it converts only `timestamp`).
  dateDescription: clientDate(event.time),
  timestamp: Date.parse(event.time),
  eventId: event.id,
  type: event.type,
  action: event.action,
  outcome: event.outcome,
  resourceName: event.target.name ?? null,
  tenantName: event.tenant,
  region: event.region,
});

export const describeEvents = defineAction({
  action: 'GET_EVENTS',
  params: wireParams({
    tenantName: m3.text(64),
    eventId: m3.text(64).optional(),
    searchType: m3.oneOf(searchTypes).optional(),
    cloud: cloudParam().optional(),
    region: m3.text(64).optional(),
    resourceId: m3.text(200).optional(),
    latestEventDate: m3.date().optional(),
    count: m3.integer(1, 100).default(10),
  }),
  async run(params, { maestro }) {
    const searchType = params.searchType ?? 'ALL';
    if (searchType !== 'ALL' && searchType !== 'RELATED') {
      throw invalidInput(
        `searchType ${searchType}: this server's audit log is filtered by tenant, region, resource and date, not by event group; use ALL or RELATED`,
        { field: 'searchType' },
      );
    }
    if (searchType === 'RELATED' && params.resourceId === undefined) {
      throw invalidInput('searchType RELATED needs resourceId', { field: 'resourceId' });
    }
    if (params.cloud !== undefined) {
      if (params.region === undefined) throw invalidInput('give region with cloud: this server filters events by region', { field: 'region' });
      const [region] = (await maestro.regions.describe({ name: params.region })).items;
      if (region && !answersTo(region, params.cloud)) {
        throw invalidInput(`region ${region.name} is in cloud ${region.clientCloud}, not ${params.cloud ?? 'this one'}`, { field: 'cloud' });
      }
    }
    if (params.eventId !== undefined) {
      const [event] = (await maestro.events.describe({ tenant: params.tenantName, id: params.eventId })).items;
      if (!event) throw notFound('event', params.eventId, `it is not among the events of tenant ${params.tenantName.toUpperCase()}`);
      return [{ ...row(event), reason: event.reason, requestId: event.requestId, data: event.data }];
    }
    // Events of the whole latest day, up to the start of the next.
    const before = params.latestEventDate === undefined ? undefined : Math.floor(Date.parse(params.latestEventDate) / DAY) * DAY + DAY;
    const latest = await maestro.events.describe({
      tenant: params.tenantName,
      ...(params.region !== undefined ? { region: params.region } : {}),
      ...(params.resourceId !== undefined ? { resource: params.resourceId } : {}),
      ...(before !== undefined ? { to: new Date(before).toISOString() } : {}),
      order: 'newest',
      limit: params.count,
    });
    return latest.items.map(row);
  },
});

export const eventActions = [describeEvents];
