import { z } from 'zod';
import { errorKinds, invalidInput } from '../../../protocol/errors.js';
import { defineAction, everyPage } from '../action.js';
import { answersTo } from '../client-clouds.js';
import { cloudParam, m3, wireParams } from '../params.js';
import { eachResource, type Outcome } from './each-resource.js';
import { fiveFieldCron } from './schedule-cron.js';
import {
  placementOf,
  scheduleNamed,
  scheduleRow,
  scheduleTypeOf,
  scheduleTypes,
  tenantRegions,
  whereabouts,
  type Schedule,
} from './schedule-view.js';

/**
 * Instance schedules (docs/schedules.md). Maestro's schedules run in UTC here, as the clients give
 * no time zone. Instances named by id are found wherever they are, so the region a client gives
 * with them narrows nothing.
 */

/** Instances as the clients send them: ids, or `{instanceId, instanceLocationInfo}` (the command-line client and Terraform). */
const scheduleInstances = () =>
  z.union([
    z
      .array(z.union([z.string(), z.object({ instanceId: z.string() }).transform((instance) => instance.instanceId)]))
      .transform((ids) => ids.map((id) => id.trim()).filter(Boolean)),
    m3.list(),
  ]);

/** The tag selector a create names: the client plugin's `tag`, or tagKey and tagValue; an empty value means any value. */
function selectorOf(params: { tag?: { key?: string | null; value?: string | null } | null; tagKey?: string | null; tagValue?: string | null }) {
  const key = params.tag?.key ?? params.tagKey ?? null;
  const value = params.tag?.value ?? params.tagValue ?? null;
  if (key === null || key.trim() === '') return null;
  return { tagKey: key.trim(), ...(value !== null && value !== '' ? { tagValue: value } : {}) };
}

/** CREATE_SCHEDULE (create-schedule): schedules.create, then schedules.attach of its instances or tag (the schedule is deleted again when that fails). */
export const createSchedule = defineAction({
  action: 'CREATE_SCHEDULE',
  wrapper: 'schedule',
  params: wireParams({
    region: m3.text(64),
    tenantName: m3.text(64),
    displayName: m3.text(128),
    cron: m3.text(128),
    description: m3.anyText(1000).optional(),
    action: m3.oneOf(['START', 'STOP']),
    scheduleType: m3.oneOf(scheduleTypes),
    cloud: cloudParam(),
    instances: scheduleInstances().nullish(),
    tagKey: z.string().max(128).nullish(),
    tagValue: z.string().max(256).nullish(),
    // Added by the clients themselves (the command-line client's request plugin, the Terraform provider).
    tag: z.object({ key: z.string().nullish(), value: z.string().nullish() }).nullish(),
    scheduleName: m3.text(200).optional(),
    whenToExecute: m3.oneOf(['By cron expression']).optional(),
  }),
  async run(params, { maestro }) {
    const tenant = params.tenantName;
    const region = params.region.toUpperCase();
    const instanceIds = params.instances ?? [];
    const selector = selectorOf(params);
    if (params.scheduleType === 'All my instances in region') {
      throw invalidInput(
        "schedule type 'All my instances in region' is not supported: Maestro's schedules reach instances by id or by tag, " +
          "not every instance of a region; tag the instances (set-tags) and use 'My instances with tag', or name them with 'Specified instances'",
        { field: 'scheduleType' },
      );
    }
    if (params.scheduleType === 'My instances with tag' && (selector === null || instanceIds.length > 0)) {
      throw invalidInput("schedule type 'My instances with tag' needs tagKey (and tagValue), and no instances", { field: 'tagKey' });
    }
    if (params.scheduleType === 'Specified instances' && selector !== null) {
      throw invalidInput("schedule type 'Specified instances' takes instances, not a tag; use 'My instances with tag' for a tag", { field: 'tagKey' });
    }
    const cron = fiveFieldCron(params.cron);
    const regions = await tenantRegions(maestro, tenant);
    if (!regions.includes(region)) {
      throw invalidInput(`tenant ${tenant.toUpperCase()} is not activated in region ${region}; its regions are ${regions.join(', ') || 'none'}`, { field: 'region' });
    }
    // A tag selector reaches the tenant's tagged instances in every region: only with one region is that the client's region alone.
    if (selector !== null && regions.length > 1) {
      throw invalidInput(
        `a tag schedule reaches the tagged instances in every region of tenant ${tenant.toUpperCase()} (${regions.join(', ')}), ` +
          `not only those in ${region}; use schedule type 'Specified instances' and name the instances`,
        { field: 'scheduleType' },
      );
    }
    const created = await maestro.schedules.create({
      tenant,
      name: params.displayName,
      cron,
      action: params.action === 'START' ? 'start' : 'stop',
      ...(params.description !== undefined ? { description: params.description } : {}),
    });
    let schedule: Schedule = created;
    if (instanceIds.length > 0 || selector !== null) {
      try {
        schedule = await maestro.schedules.attach({ tenant, name: created.name, ...(instanceIds.length > 0 ? { instanceIds } : {}), ...selector });
      } catch (error) {
        // The client asked for one schedule with its instances: without them, none.
        await maestro.schedules.delete({ tenant, name: created.name }).catch(() => undefined);
        throw error;
      }
    }
    return scheduleRow(schedule, { regions: [region], clouds: params.cloud === null ? [] : [params.cloud], regionOf: () => region });
  },
});

/** DESCRIBE_SCHEDULES (describe-schedules): schedules.describe, filtered by the region, cloud and type the clients give. */
export const describeSchedules = defineAction({
  action: 'DESCRIBE_SCHEDULES',
  params: wireParams({
    tenantName: m3.text(64),
    cloud: cloudParam(),
    region: m3.text(64).optional(),
    scheduleType: m3.oneOf(scheduleTypes).optional(),
    // Newer command-line clients add these.
    scheduleGroup: m3.oneOf(['ALL']).optional(),
    scheduleName: m3.text(200).optional(),
  }),
  async run(params, { maestro }) {
    const { cloud } = params;
    const listed =
      params.scheduleName !== undefined
        ? [await scheduleNamed(maestro, params.tenantName, params.scheduleName)]
        : await everyPage((page) => maestro.schedules.describe({ tenant: params.tenantName, ...page }));
    if (cloud === null || listed.length === 0) return [];
    const placement = await placementOf(maestro, params.tenantName, listed);
    const region = params.region?.toUpperCase();
    return listed
      .map((schedule) => ({ schedule, where: whereabouts(schedule, placement) }))
      .filter(
        ({ schedule, where }) =>
          (params.scheduleType === undefined || scheduleTypeOf(schedule) === params.scheduleType) &&
          // A schedule that reaches nothing yet belongs to no region, so every region's listing shows it.
          (where.regions.length === 0 ||
            ((region === undefined || where.regions.includes(region)) &&
              where.regions.some((name) => placement.regions.has(name) && answersTo(placement.regions.get(name)!, cloud)))),
      )
      .map(({ schedule, where }) => scheduleRow(schedule, where));
  },
});

/** DELETE_SCHEDULE (delete-schedule): schedules.delete. */
export const deleteSchedule = defineAction({
  action: 'DELETE_SCHEDULE',
  params: wireParams({
    region: m3.text(64),
    tenantName: m3.text(64),
    scheduleName: m3.text(200),
    // The Terraform provider sends its whole schedule to delete one, with these left empty.
    cloud: cloudParam().optional(),
    displayName: z.literal('').optional(),
    cron: z.literal('').optional(),
    description: z.literal('').optional(),
    action: z.literal('').optional(),
    scheduleType: z.literal('').optional(),
    instances: z.array(z.unknown()).max(0).nullish(),
    tag: z.null().optional(),
  }),
  async run(params, { maestro }) {
    const schedule = await scheduleNamed(maestro, params.tenantName, params.scheduleName);
    await maestro.schedules.delete({ tenant: params.tenantName, name: schedule.name });
    return scheduleRow(schedule, { regions: [params.region.toUpperCase()], clouds: [], regionOf: () => null });
  },
});

/**
 * Rows as the command-line client prints them, and `success` / `failed` with `reason` and the
 * instance under `instancesId`, as its response plugin reads them.
 */
function membershipRows(outcomes: Outcome<unknown>[], done: string, notDone: string) {
  return outcomes.map((outcome) =>
    outcome.ok
      ? { Instance: outcome.id, Status: done, Reason: null, instancesId: outcome.id, success: 200 }
      : {
          Instance: outcome.id,
          Status: notDone,
          Reason: outcome.error.message,
          instancesId: outcome.id,
          failed: errorKinds[outcome.error.kind].httpStatus,
          reason: outcome.error.message,
        },
  );
}

const membership = wireParams({ tenantName: m3.text(64), cloud: cloudParam(), region: m3.text(64), scheduleName: m3.text(200), instanceIds: m3.list() });

/** Attaches or detaches each instance with its own command, so each gets its own row. */
const membershipAction = (action: string, change: 'attach' | 'detach', done: string, notDone: string) =>
  defineAction({
    action,
    params: membership,
    async run(params, { maestro }) {
      const { name } = await scheduleNamed(maestro, params.tenantName, params.scheduleName);
      const outcomes = await eachResource(params.instanceIds, 'instanceIds', (id) =>
        maestro.schedules[change]({ tenant: params.tenantName, name, instanceIds: [id] }),
      );
      return membershipRows(outcomes, done, notDone);
    },
  });

/** SCHEDULE_ADD_INSTANCES (add-schedule-instances) and SCHEDULE_REMOVE_INSTANCES (delete-schedule-instances). */
export const addScheduleInstances = membershipAction('SCHEDULE_ADD_INSTANCES', 'attach', 'Added', 'Not added');
export const removeScheduleInstances = membershipAction('SCHEDULE_REMOVE_INSTANCES', 'detach', 'Deleted', 'Not deleted');

export const scheduleActions = [createSchedule, describeSchedules, deleteSchedule, addScheduleInstances, removeScheduleInstances];
