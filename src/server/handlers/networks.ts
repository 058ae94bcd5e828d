import { supports, type CloudNetwork, type CloudSecurityGroup } from '../../clouds/driver.js';
import type { Managers } from '../../protocol/commands/index.js';
import { invalidInput, notFound, type AppError } from '../../protocol/errors.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { RegionRef } from '../queries/compute.js';
import { tenantInScope, usableRegion } from './scope.js';

const offeredAs = { networks: 'networks', securityGroups: 'security groups' } as const;

/** The refusal for a region whose cloud has no choice of `operation` (naming the input `field`, if one). */
export function notOffered(region: RegionRef, operation: keyof typeof offeredAs, field?: string): AppError {
  const next = field ? `leave ${field} out` : `instances there run on the cloud's own ${offeredAs[operation]}, chosen by it`;
  return invalidInput(`${region.cloud} regions (${region.name}) do not offer a choice of ${offeredAs[operation]}; ${next}`, field ? { field } : undefined);
}

// Read live: Maestro keeps no copy of networks or security groups, which the cloud's own
// administrators change.
function cloudNetworks(ctx: CommandContext, region: RegionRef, field?: string): Promise<CloudNetwork[]> {
  return callCloud(ctx, region, (driver, target, call) => {
    if (!supports(driver, 'networks')) throw notOffered(region, 'networks', field);
    return driver.listNetworks(target, call);
  });
}

function cloudSecurityGroups(ctx: CommandContext, region: RegionRef): Promise<CloudSecurityGroup[]> {
  return callCloud(ctx, region, (driver, target, call) => {
    if (!supports(driver, 'securityGroups')) throw notOffered(region, 'securityGroups');
    return driver.listSecurityGroups(target, call);
  });
}

/** The cloud's network that `nameOrId` names: its id, or a name only one network has. */
export async function networkOf(ctx: CommandContext, region: RegionRef, nameOrId: string): Promise<CloudNetwork> {
  const all = await cloudNetworks(ctx, region, 'network');
  const byId = all.find((network) => network.nativeId === nameOrId);
  if (byId) return byId;
  const named = all.filter((network) => network.name === nameOrId);
  if (named.length === 1) return named[0]!;
  if (named.length === 0) throw notFound('network', nameOrId, `list the networks of ${region.name} with \`maestro networks describe\``);
  throw invalidInput(`${named.length} networks of ${region.name} are named ${nameOrId}; give the nativeId of one (${named.map((n) => n.nativeId).join(', ')})`, {
    field: 'network',
  });
}

export const networks: ManagerHandlers<Managers['networks']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const items = await cloudNetworks(ctx, region);
    return { items: items.map(({ nativeId, name, external, shared, cidrs }) => ({ nativeId, name, external, shared, cidrs })) };
  },
};

export const securityGroups: ManagerHandlers<Managers['securityGroups']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const items = await cloudSecurityGroups(ctx, region);
    return { items: items.map(({ nativeId, name, description }) => ({ nativeId, name, description })) };
  },
};
