import type { Instance } from '../../../protocol/commands/compute-schemas.js';
import { instanceStates, type InstanceState } from '../../../protocol/compute.js';
import { invalidInput, type AppError } from '../../../protocol/errors.js';
import type { CloudKind } from '../../../protocol/clouds.js';
import { defineAction, everyPage } from '../action.js';
import { clientCloudOfRegion } from '../client-clouds.js';
import { m3, wireParams } from '../params.js';
import { instanceInRegion, instanceView, isCallerProblem, regionParam, tagFilterParam, tenantParam } from './compute-common.js';

/**
 * The instance actions. Our states are a subset of the original vocabulary (PROTOCOL.md) under
 * the same names, so they go out unchanged; original states we never have match nothing.
 */

const insightGroups = ['ALL', 'UNTAGGED', 'INSTANCE_COSTS', 'SCHEDULES', 'TAGS', 'LIFE_TIME', 'OWNERSHIP', 'VULNERABLE'] as const;
const riskFactors = ['SCHEDULED', 'MIN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const isOurState = (state: string): state is InstanceState => (instanceStates as readonly string[]).includes(state);

/** DESCRIBE_INSTANCE: a tenant's instances in a region, filtered as the client asks. */
export const describeInstances = defineAction({
  action: 'DESCRIBE_INSTANCE',
  params: wireParams({
    tenantName: tenantParam(),
    region: regionParam(),
    instanceIds: m3.list().optional(),
    owner: m3.text(128).optional(),
    running: m3.flag().optional(),
    stopped: m3.flag().optional(),
    resourceTag: tagFilterParam().optional(),
    insights: m3.flag().optional(),
    group: m3.oneOf(insightGroups).optional(),
    riskFactor: m3.oneOf(riskFactors).optional(),
    // The command-line client turns --running / --stopped into this list as well.
    instanceStates: m3.list(20).optional(),
  }),
  async run(params, { maestro }) {
    if (params.insights === true || params.riskFactor !== undefined || (params.group !== undefined && params.group !== 'ALL')) {
      throw invalidInput('instance insights (insights, group, riskFactor) are not available on this server; filter by owner, state or resourceTag', {
        field: 'insights',
      });
    }
    const asked = [...(params.instanceStates ?? []), ...(params.running ? ['running'] : []), ...(params.stopped ? ['stopped'] : [])];
    const states = [...new Set(asked.map((state) => state.toLowerCase()))].filter(isOurState);
    if (asked.length > 0 && states.length === 0) return { instances: [] };
    const filter = {
      tenant: params.tenantName,
      region: params.region,
      ...(params.instanceIds?.length ? { ids: params.instanceIds } : {}),
      ...(params.owner !== undefined ? { owner: params.owner } : {}),
      ...(params.resourceTag !== undefined ? { tagKey: params.resourceTag.key } : {}),
      ...(params.resourceTag?.value ? { tagValue: params.resourceTag.value } : {}),
    };
    // Our describe filters by one state: one listing per state asked for.
    const listings = await Promise.all(
      (states.length > 0 ? states : [undefined]).map((state) =>
        everyPage((page) => maestro.instances.describe({ ...filter, ...page, ...(state !== undefined ? { state } : {}) })),
      ),
    );
    const cloud = await clientCloudOfRegion(maestro, params.region);
    return { instances: listings.flat().map((instance) => instanceView(instance, cloud)) };
  },
});

type Lifecycle = 'start' | 'stop' | 'reboot' | 'terminate';

const actionRow = (id: string, cloud: CloudKind | null, instance: Instance | undefined, errorMessage: string | null) => ({
  cloud,
  instanceId: id,
  state: instance?.state ?? null,
  instanceName: instance?.name ?? null,
  errorMessage,
  region: instance?.region ?? null,
});

/**
 * START/STOP/REBOOT/TERMINATE_INSTANCE: `{instances}` with one row per instance id (the client's
 * plugin reads that key). An instance that is not in the region, or that the command refuses,
 * gets its row's errorMessage; the others still happen.
 */
const lifecycleAction = (action: string, command: Lifecycle) =>
  defineAction({
    action,
    params: wireParams({ tenantName: tenantParam(), region: regionParam(), instanceId: m3.list() }),
    async run(params, { maestro }) {
      const tenant = params.tenantName;
      // One listing finds every id the client gave, malformed ones included, and checks tenant, region and access once.
      const known = new Map((await everyPage((page) => maestro.instances.describe({ tenant, region: params.region, ...page }))).map((i) => [i.id, i]));
      const cloud = await clientCloudOfRegion(maestro, params.region);
      const rows = [];
      for (const id of params.instanceId) {
        const instance = known.get(id);
        if (!instance) {
          rows.push(actionRow(id, cloud, undefined, `instance ${id} does not exist in tenant ${tenant}, region ${params.region}`));
          continue;
        }
        try {
          rows.push(actionRow(id, cloud, await maestro.instances[command]({ tenant, id }), null));
        } catch (error) {
          if (isCallerProblem(error)) throw error;
          rows.push(actionRow(id, cloud, instance, (error as AppError).message));
        }
      }
      return { instances: rows };
    },
  });

/**
 * MANAGE_TERMINATION_PROTECTION: turn it on (ENABLE) or off (DISABLE) for one instance. The answer
 * is null, as the original's: the client then prints its own success sentence, and anything else raw.
 */
export const manageTerminationProtection = defineAction({
  action: 'MANAGE_TERMINATION_PROTECTION',
  params: wireParams({ tenantName: tenantParam(), region: regionParam(), instanceId: m3.text(64), action: m3.oneOf(['ENABLE', 'DISABLE']) }),
  async run(params, { maestro }) {
    await instanceInRegion(maestro, params.tenantName, params.region, params.instanceId);
    await maestro.instances.setTerminationProtection({ tenant: params.tenantName, id: params.instanceId, enabled: params.action === 'ENABLE' });
    return null;
  },
});

export const instanceActions = [
  describeInstances,
  lifecycleAction('START_INSTANCE', 'start'),
  lifecycleAction('STOP_INSTANCE', 'stop'),
  lifecycleAction('REBOOT_INSTANCE', 'reboot'),
  lifecycleAction('TERMINATE_INSTANCE', 'terminate'),
  manageTerminationProtection,
];
