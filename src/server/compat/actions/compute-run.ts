import { z } from 'zod';
import type { CloudKind } from '../../../protocol/clouds.js';
import { invalidInput, invalidState, notFound } from '../../../protocol/errors.js';
import { defineAction } from '../action.js';
import { cloudParam, m3, wireParams } from '../params.js';
import { instanceView, refuseOtherCloud, regionParam, tagMapParam, tenantParam } from './compute-common.js';

const HOUR_MS = 3_600_000;
const hours = () => m3.number().pipe(z.number().min(1, 'must be at least 1 hour').max(720, 'must be at most 720 hours'));

interface Placement {
  cloud?: CloudKind | null | undefined;
  tenantDisplayName?: string | undefined;
}

/** A parameter the command-line client sends in additionalParams, and other clients beside the rest. */
function either<K extends keyof Placement>(params: Placement & { additionalParams?: Placement | undefined }, key: K): Placement[K] {
  return params[key] !== undefined ? params[key] : params.additionalParams?.[key];
}

/**
 * The command-line client moves cloud and tenantDisplayName out of `params` into
 * `additionalParams` and adds actionName and quotaAction; other clients send them in `params`.
 */
const runParams = wireParams({
  cloud: cloudParam().optional(),
  tenantDisplayName: tenantParam().optional(),
  additionalParams: z.strictObject({ cloud: cloudParam().optional(), tenantDisplayName: tenantParam().optional() }).optional(),
  actionName: m3.text(64).optional(),
  quotaAction: m3.flag().optional(),
  Region: regionParam(),
  'Instance Name': m3.text(128),
  'Image Alias': m3.text(128),
  'Shape Alias': m3.text(32).optional(),
  'Instance type': m3.text(32).optional(),
  'Key Pair Name': m3.text(128).optional(),
  Count: m3.integer(1, 100_000).optional(),
  'Stop after': hours().optional(),
  'Terminate after': hours().optional(),
  'Additional Storage (GB)': m3.number().optional(),
  'User script name': m3.text(64).optional(),
  tags: tagMapParam().optional(),
}).superRefine((params, ctx) => {
  for (const key of ['cloud', 'tenantDisplayName'] as const) {
    if (either(params, key) === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required' });
  }
});

type RunParams = z.output<typeof runParams>;

/** What the client asks for that our instances.run does not do: said plainly rather than ignored. */
function refuseUnsupported(params: RunParams): void {
  if (params.actionName !== undefined && params.actionName.toLowerCase() !== 'run instance') {
    throw invalidInput(`EXECUTE_APPROVAL_ACTION runs instances only (actionName 'Run Instance'), not '${params.actionName}'`, { field: 'actionName' });
  }
  if (params['Shape Alias'] !== undefined && params['Instance type'] !== undefined) {
    throw invalidInput('give either Shape Alias (--shape) or Instance type (--instance-type), not both', { field: 'Shape Alias' });
  }
  if (params['Additional Storage (GB)'] !== undefined) {
    throw invalidInput('additional storage at launch is not supported by this server; run the instance, then create-and-attach a storage', {
      field: 'Additional Storage (GB)',
    });
  }
  if (params['User script name'] !== undefined) {
    throw invalidInput('init scripts by name are not supported by this server (it keeps no uploaded scripts)', { field: 'User script name' });
  }
}

/**
 * EXECUTE_APPROVAL_ACTION (run-instances): instances.run. Our shapes have no native instance
 * types, so an Instance type names a shape too (describe-shapes shows the same name for both).
 * A run a quota holds for approval answers PENDING_APPROVAL with the request, never success.
 */
export const runInstances = defineAction({
  action: 'EXECUTE_APPROVAL_ACTION',
  wrapper: 'params',
  params: runParams,
  async run(params, { maestro, now }) {
    refuseUnsupported(params);
    // Both present: the schema refuses the call otherwise.
    const tenant = either(params, 'tenantDisplayName')!;
    const cloud = either(params, 'cloud')!;
    const shape = params['Shape Alias'] ?? params['Instance type'];
    if (shape === undefined) throw invalidInput('give Shape Alias (--shape) or Instance type (--instance-type)', { field: 'Shape Alias' });
    const clientCloud = await refuseOtherCloud(maestro, params.Region, cloud);
    // Hours from now: the client's limits are relative, ours are points in time.
    const after = (h: number | undefined) => (h === undefined ? undefined : new Date(now() + h * HOUR_MS).toISOString());
    const stopAfter = after(params['Stop after']);
    const terminateAfter = after(params['Terminate after']);
    const result = await maestro.instances.run({
      tenant,
      region: params.Region,
      image: params['Image Alias'],
      shape,
      count: params.Count ?? 1,
      name: params['Instance Name'],
      ...(params['Key Pair Name'] !== undefined ? { keyName: params['Key Pair Name'] } : {}),
      ...(params.tags !== undefined ? { tags: params.tags } : {}),
      ...(stopAfter !== undefined ? { stopAfter } : {}),
      ...(terminateAfter !== undefined ? { terminateAfter } : {}),
    });
    if (result.approval) {
      return {
        status: 'PENDING_APPROVAL',
        message: `nothing was run yet: ${result.approval.reason}; approval request ${result.approval.id} waits for an approver`,
        approvalId: result.approval.id,
        instances: [],
      };
    }
    const names = result.instances.map((i) => `${i.name} (${i.id})`).join(', ');
    return {
      status: 'SUCCESS',
      message: `${result.instances.length} instance(s) launching in ${params.Region}: ${names}`,
      approvalId: null,
      instances: result.instances.map((instance) => instanceView(instance, clientCloud)),
    };
  },
});

/** LIST_REGION_SHAPES (describe-shapes): the shapes of a region the tenant is active in. */
export const listRegionShapes = defineAction({
  action: 'LIST_REGION_SHAPES',
  params: wireParams({ tenantName: tenantParam(), cloud: cloudParam(), region: regionParam() }),
  async run(params, { maestro }) {
    const [tenant] = (await maestro.tenants.describe({ name: params.tenantName })).items;
    if (!tenant) throw notFound('tenant', params.tenantName, 'describe-tenants lists yours');
    if (!tenant.regions.includes(params.region)) throw invalidState(`tenant ${tenant.name} is not activated in region ${params.region}`);
    await refuseOtherCloud(maestro, params.region, params.cloud);
    const { items } = await maestro.shapes.describe({ region: params.region });
    // Shapes have no native instance type here: name and shape are the same.
    return items.map((s) => ({ name: s.name, shape: s.name, cpuCount: s.cpu, memoryGb: s.ramGb, storageGb: null, custom: s.custom }));
  },
});

export const runActions = [runInstances, listRegionShapes];
