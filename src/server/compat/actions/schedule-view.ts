import type { OutputOf } from '../../../protocol/command.js';
import type { Region } from '../../../protocol/commands/organisation-schemas.js';
import type { schedules } from '../../../protocol/commands/schedules.js';
import { notFound } from '../../../protocol/errors.js';
import { epochMs, everyPage, type Commands } from '../action.js';
import { regionsByName } from '../client-clouds.js';

/**
 * Maestro's schedules as the published clients see them. The clients' schedules live in one
 * region; Maestro's belong to the tenant and reach instances by id (whatever their region) or by
 * tag selector (in every region of the tenant). So a schedule's region is worked out from what
 * it reaches, for display and for the clients' region and cloud filters.
 */
export type Schedule = OutputOf<typeof schedules.create>;

export const scheduleTypes = ['Specified instances', 'My instances with tag', 'All my instances in region'] as const;
export type ScheduleType = (typeof scheduleTypes)[number];

/** A schedule with tag selectors is a tag schedule to the clients; one without, a schedule of specified instances. */
export const scheduleTypeOf = (schedule: Schedule): ScheduleType => (schedule.tags.length > 0 ? 'My instances with tag' : 'Specified instances');

/** What a schedule does not hold but its rows need: where its instances are, and the tenant's regions and their clouds. */
export interface Placement {
  instanceRegions: ReadonlyMap<string, string>;
  tenantRegions: readonly string[];
  regions: ReadonlyMap<string, Region>;
}

/** The regions a tenant is activated in. */
export async function tenantRegions(maestro: Commands, tenant: string): Promise<string[]> {
  const found = await maestro.tenants.describe({ name: tenant });
  if (!found.items[0]) throw notFound('tenant', tenant.toUpperCase(), 'describe-tenants lists the tenants you can see');
  return found.items[0].regions;
}

export async function placementOf(maestro: Commands, tenant: string, listed: readonly Schedule[]): Promise<Placement> {
  const ids = [...new Set(listed.flatMap((s) => s.instanceIds))];
  const instanceRegions = new Map<string, string>();
  for (let at = 0; at < ids.length; at += 100) {
    const chunk = ids.slice(at, at + 100);
    const found = await everyPage((page) => maestro.instances.describe({ tenant, ids: chunk, ...page }));
    for (const instance of found) instanceRegions.set(instance.id, instance.region);
  }
  return { instanceRegions, tenantRegions: await tenantRegions(maestro, tenant), regions: await regionsByName(maestro) };
}

/** Where a schedule is, as its row shows it. */
export interface Whereabouts {
  regions: readonly string[];
  clouds: readonly string[];
  regionOf(instanceId: string): string | null;
}

/** The regions a schedule reaches (its instances', and all of the tenant's when it selects by tag), and their clouds. */
export function whereabouts(schedule: Schedule, placement: Placement): Whereabouts {
  const regions = new Set(schedule.instanceIds.flatMap((id) => placement.instanceRegions.get(id) ?? []));
  if (schedule.tags.length > 0) placement.tenantRegions.forEach((region) => regions.add(region));
  return {
    regions: [...regions].sort(),
    clouds: [...new Set([...regions].flatMap((region) => placement.regions.get(region)?.clientCloud ?? []))].sort(),
    regionOf: (id) => placement.instanceRegions.get(id) ?? null,
  };
}


/**
 * A schedule as the clients read it: `instances` as `{instanceId, instanceLocationInfo}` and
 * `tag` as `{key, value}` (the command-line client turns both into text itself).
 */
export function scheduleRow(schedule: Schedule, { regions, clouds, regionOf }: Whereabouts) {
  const [tag] = schedule.tags;
  return {
    displayName: schedule.name,
    scheduleName: schedule.name,
    action: schedule.action.toUpperCase(),
    scheduleType: scheduleTypeOf(schedule),
    nextRun: epochMs(schedule.nextRun),
    lastRun: epochMs(schedule.lastDue),
    region: regions.length > 0 ? regions.join(', ') : null,
    cloud: clouds.length > 0 ? clouds.join(', ') : null,
    tenantName: schedule.tenant,
    scheduleOwner: schedule.creator,
    instances: schedule.instanceIds.map((instanceId) => ({ instanceId, instanceLocationInfo: { region: regionOf(instanceId) } })),
    tag: tag === undefined ? null : { key: tag.key, value: tag.value },
    tags: schedule.tags,
    description: schedule.description,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
    creationDate: epochMs(schedule.createdAt),
  };
}

/**
 * The schedule a client names: by its name, or as the original server spells it, `name::region`,
 * which some clients also lower-case. Names cannot contain ':', so the suffix is never part of one.
 */
export async function scheduleNamed(maestro: Commands, tenant: string, wireName: string): Promise<Schedule> {
  const name = wireName.replace(/::[^:]*$/, '');
  const all = await everyPage((page) => maestro.schedules.describe({ tenant, ...page }));
  const exact = all.find((s) => s.name === name);
  if (exact) return exact;
  const likely = all.filter((s) => s.name.toLowerCase() === name.toLowerCase());
  if (likely.length === 1) return likely[0]!;
  throw notFound('schedule', wireName, `tenant ${tenant.toUpperCase()} has no such schedule; describe-schedules lists them`);
}
