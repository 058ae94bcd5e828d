import { parseTiming, sameSelector, type TagSelector } from '../../domain/schedules.js';
import type { Managers } from '../../protocol/commands/index.js';
import { instances } from '../../protocol/commands/instances.js';
import { conflict, forbidden, invalidInput, notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/schedules.js';
import { uuidv7 } from '../../protocol/ids.js';
import { MAX_SCHEDULE_INSTANCES, MAX_SCHEDULE_TAG_SELECTORS, type ScheduleAction } from '../../protocol/schedules.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import type { TenantRow } from '../queries/organisation.js';
import { liveInstanceIds } from '../queries/schedule-targets.js';
import { findSchedule, listExecutions, listSchedules, scheduleRow, scheduleView } from '../queries/schedules.js';
import { tenantInScope } from './scope.js';

const now = (ctx: CommandContext) => ctx.services.clock.now();

const scopeOf = (tenant: TenantRow, schedule: { id: string; name: string }): EventScope => ({
  target: { id: schedule.id, name: schedule.name },
  customerId: tenant.customerId,
  tenantId: tenant.id,
});

async function refuseDuplicate(ctx: CommandContext, tenant: TenantRow, name: string): Promise<void> {
  if (await findSchedule(ctx.db, tenant.id, name)) {
    throw conflict(`tenant ${tenant.name} already has a schedule named ${name}; choose another name or change that one`, {
      resource: 'schedule',
      name,
    });
  }
}

/**
 * A schedule runs as its creator, who may be allowed more than whoever changes it: so creating a
 * schedule, changing it or attaching instances to it also needs the permission of its action
 * (STOP_INSTANCE for a stop schedule), or a schedule would do what its editor may not.
 */
async function requireActionPermission(ctx: CommandContext, action: ScheduleAction): Promise<void> {
  const { permission } = instances[action];
  if (!(await ctx.access.allows(permission, ctx.access.tenant!))) {
    throw forbidden(`a schedule that ${action}s instances needs the permission ${permission} in tenant ${ctx.access.tenant!.name}, which you do not have`, {
      permission,
      place: ctx.access.tenant!.name,
    });
  }
}

/** The ids and tag selector of an attach or detach call. */
function targetsOf(input: { instanceIds?: string[] | undefined; tagKey?: string | undefined; tagValue?: string | undefined }) {
  return {
    instanceIds: [...new Set(input.instanceIds ?? [])],
    tags: input.tagKey === undefined ? [] : [{ key: input.tagKey, value: input.tagValue ?? null }],
  };
}

const describeSelector = (tag: TagSelector) => (tag.value === null ? `'${tag.key}'` : `'${tag.key}=${tag.value}'`);

export const schedules: ManagerHandlers<Managers['schedules']> = {
  async create(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const timing = parseTiming(input.cron, input.timeZone, now(ctx));
    await requireActionPermission(ctx, input.action);
    await refuseDuplicate(ctx, tenant, input.name);
    const id = uuidv7();
    await ctx.emit(
      events.scheduleCreated,
      {
        id,
        tenantId: tenant.id,
        name: input.name,
        description: input.description,
        ...timing,
        action: input.action,
        enabled: input.enabled,
        creatorId: ctx.actor.userId,
        creatorName: ctx.actor.name,
      },
      scopeOf(tenant, { id, name: input.name }),
    );
    return scheduleView(ctx.db, id, now(ctx));
  },

  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    return listSchedules(ctx.db, { tenantId: tenant.id, name: input.name, limit: input.limit, cursor: input.cursor }, now(ctx));
  },

  async update(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const schedule = await scheduleRow(ctx.db, tenant.id, input.name);
    const timing =
      input.cron === undefined && input.timeZone === undefined
        ? {}
        : parseTiming(input.cron ?? schedule.cron, input.timeZone ?? schedule.timeZone, now(ctx));
    await requireActionPermission(ctx, input.action ?? schedule.action);
    if (input.newName !== undefined && input.newName !== schedule.name) await refuseDuplicate(ctx, tenant, input.newName);
    const change = { name: input.newName, description: input.description, ...timing, action: input.action, enabled: input.enabled };
    await ctx.emit(
      events.scheduleUpdated,
      { id: schedule.id, tenantId: tenant.id, ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) },
      scopeOf(tenant, { id: schedule.id, name: input.newName ?? schedule.name }),
    );
    return scheduleView(ctx.db, schedule.id, now(ctx));
  },

  async delete(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const schedule = await scheduleRow(ctx.db, tenant.id, input.name);
    await ctx.emit(events.scheduleDeleted, { id: schedule.id, tenantId: tenant.id }, scopeOf(tenant, schedule));
    return { ok: true as const };
  },

  async attach(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const schedule = await scheduleRow(ctx.db, tenant.id, input.name);
    await requireActionPermission(ctx, schedule.action);
    const requested = targetsOf(input);
    const live = await liveInstanceIds(ctx.db, tenant.id, requested.instanceIds);
    const missing = requested.instanceIds.filter((id) => !live.has(id));
    if (missing.length > 0) {
      throw notFound('instance', missing.join(', '), `tenant ${tenant.name} has no such instance that is not terminated; list them with \`maestro instances describe\``);
    }
    const added = {
      instanceIds: requested.instanceIds.filter((id) => !schedule.instanceIds.includes(id)),
      tags: requested.tags.filter((tag) => !schedule.tagSelectors.some((held) => sameSelector(held, tag))),
    };
    if (schedule.instanceIds.length + added.instanceIds.length > MAX_SCHEDULE_INSTANCES) {
      throw invalidInput(`a schedule holds at most ${MAX_SCHEDULE_INSTANCES} instances by id; select them by tag instead`, { field: 'instanceIds' });
    }
    if (schedule.tagSelectors.length + added.tags.length > MAX_SCHEDULE_TAG_SELECTORS) {
      throw invalidInput(`a schedule holds at most ${MAX_SCHEDULE_TAG_SELECTORS} tag selectors`, { field: 'tagKey' });
    }
    if (added.instanceIds.length > 0 || added.tags.length > 0) {
      await ctx.emit(events.scheduleAttached, { id: schedule.id, tenantId: tenant.id, ...added }, scopeOf(tenant, schedule));
    }
    return scheduleView(ctx.db, schedule.id, now(ctx));
  },

  async detach(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const schedule = await scheduleRow(ctx.db, tenant.id, input.name);
    const requested = targetsOf(input);
    const strangers = [
      ...requested.instanceIds.filter((id) => !schedule.instanceIds.includes(id)),
      ...requested.tags.filter((tag) => !schedule.tagSelectors.some((held) => sameSelector(held, tag))).map(describeSelector),
    ];
    if (strangers.length > 0) {
      const held = [...schedule.instanceIds, ...schedule.tagSelectors.map(describeSelector)];
      throw invalidInput(
        `schedule ${schedule.name} has no ${strangers.join(', ')} attached; ` + (held.length > 0 ? `it has ${held.join(', ')}` : 'it has nothing attached'),
        { field: 'instanceIds', missing: strangers },
      );
    }
    await ctx.emit(events.scheduleDetached, { id: schedule.id, tenantId: tenant.id, ...requested }, scopeOf(tenant, schedule));
    return scheduleView(ctx.db, schedule.id, now(ctx));
  },

  async describeExecutions(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const schedule = input.name === undefined ? undefined : await scheduleRow(ctx.db, tenant.id, input.name);
    return listExecutions(ctx.db, { tenantId: tenant.id, scheduleId: schedule?.id, limit: input.limit, cursor: input.cursor });
  },
};
