import { supports, type CloudNetwork, type CloudSecurityGroup } from '../../clouds/driver.js';
import type { Managers } from '../../protocol/commands/index.js';
import { invalidInput, invalidState, notFound, type AppError } from '../../protocol/errors.js';
import * as events from '../../protocol/events/networks.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRefById, type RegionRef } from '../queries/compute.js';
import { instanceRow } from '../queries/instances.js';
import type { TenantRow } from '../queries/organisation.js';
import { tenantInScope, usableRegion } from './scope.js';
import { containsText } from '../queries/name-search.js';

const offeredAs = { networks: 'networks', securityGroups: 'security groups' } as const;

/** The refusal for a region whose cloud has no choice of `operation` (naming the input `field`, if one). */
export function notOffered(region: RegionRef, operation: keyof typeof offeredAs, field?: string): AppError {
  const next = field ? `leave ${field} out` : `instances there run on the cloud's own ${offeredAs[operation]}, chosen by it`;
  return invalidInput(`${region.cloud} regions (${region.name}) do not offer a choice of ${offeredAs[operation]}; ${next}`, field ? { field } : undefined);
}

// Read live: Maestro keeps no copy of networks or security groups, which the cloud's own
// administrators change. It keeps only which networks a tenant activated (tenant_networks).
export function cloudNetworks(ctx: CommandContext, region: RegionRef, field?: string): Promise<CloudNetwork[]> {
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

/** The network of `all` that `nameOrId` names: its id, or a name only one network has. */
export function findNetwork(region: RegionRef, all: readonly CloudNetwork[], nameOrId: string): CloudNetwork {
  const byId = all.find((network) => network.nativeId === nameOrId);
  if (byId) return byId;
  const named = all.filter((network) => network.name === nameOrId);
  if (named.length === 1) return named[0]!;
  if (named.length === 0) throw notFound('network', nameOrId, `list the networks of ${region.name} with \`maestro networks describe\``);
  throw invalidInput(`${named.length} networks of ${region.name} are named ${nameOrId}; give the nativeId of one (${named.map((n) => n.nativeId).join(', ')})`, {
    field: 'network',
  });
}

interface ActivatedNetwork {
  nativeId: string;
  name: string;
  description: string;
  createdAt: string;
}

async function activatedNetworks(ctx: CommandContext, tenantId: string, regionId: string): Promise<ActivatedNetwork[]> {
  const { rows } = await ctx.db.query<ActivatedNetwork>(
    `SELECT native_id AS "nativeId", name, description, created_at AS "createdAt" FROM tenant_networks WHERE tenant_id = $1 AND region_id = $2 ORDER BY name`,
    [tenantId, regionId],
  );
  return rows;
}

/**
 * The cloud's network that `nameOrId` names, for a run or a move of the tenant's instances: once
 * the tenant has activated networks in the region, only those (docs/networks.md).
 */
export async function networkOf(ctx: CommandContext, region: RegionRef, nameOrId: string, tenantId: string): Promise<CloudNetwork> {
  const network = findNetwork(region, await cloudNetworks(ctx, region, 'network'), nameOrId);
  const activated = await activatedNetworks(ctx, tenantId, region.id);
  if (activated.length > 0 && !activated.some((a) => a.nativeId === network.nativeId)) {
    throw invalidInput(
      `network ${network.name} is not activated for the tenant in ${region.name}; choose one of ${activated.map((a) => a.name).join(', ')}, or activate it (\`maestro networks activate\`)`,
      { field: 'network' },
    );
  }
  return network;
}

const networkScope = (tenant: TenantRow, region: RegionRef, network: { nativeId: string; name: string }): EventScope => ({
  target: { id: `${region.id}/${network.nativeId}`, name: network.name },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region.name,
});

export const networks: ManagerHandlers<Managers['networks']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const [items, activated] = [await cloudNetworks(ctx, region), await activatedNetworks(ctx, tenant.id, region.id)];
    const byId = new Map(activated.map((a) => [a.nativeId, a]));
    const onCloud = items.map(({ nativeId, name, external, shared, cidrs }) => ({
      nativeId,
      name,
      external,
      shared,
      cidrs,
      activated: byId.has(nativeId),
      description: byId.get(nativeId)?.description ?? null,
      existsOnCloud: true,
    }));
    // Activated once, since removed by the cloud's administrators: shown so that they can be deactivated.
    const gone = activated
      .filter((a) => !items.some((n) => n.nativeId === a.nativeId))
      .map((a) => ({ nativeId: a.nativeId, name: a.name, external: false, shared: false, cidrs: [], activated: true, description: a.description, existsOnCloud: false }));
    return { items: [...onCloud, ...gone].filter((n) => containsText(n.name, input.search) || containsText(n.nativeId, input.search)) };
  },

  async activate(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const network = findNetwork(region, await cloudNetworks(ctx, region, 'network'), input.network);
    if (network.external) {
      throw invalidInput(`network ${network.name} is external: instances do not join it; allocate public IPs from it (\`maestro public-ips allocate\`)`, {
        field: 'network',
      });
    }
    if ((await activatedNetworks(ctx, tenant.id, region.id)).some((a) => a.nativeId === network.nativeId)) {
      throw invalidState(`network ${network.name} is already activated for tenant ${tenant.name} in ${region.name}`);
    }
    const data = { tenantId: tenant.id, regionId: region.id, nativeId: network.nativeId, name: network.name, description: input.description, activatedBy: ctx.actor.userId };
    const event = await ctx.emit(events.networkActivated, data, networkScope(tenant, region, network));
    return { tenant: tenant.name, region: region.name, nativeId: network.nativeId, name: network.name, description: input.description, activatedAt: event.time };
  },

  async deactivate(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    // By the name or id it was activated under: the cloud may no longer have it.
    const activated = await activatedNetworks(ctx, tenant.id, region.id);
    const found = activated.find((a) => a.nativeId === input.network) ?? activated.find((a) => a.name === input.network);
    if (!found) throw notFound('activated network', input.network, `tenant ${tenant.name} has not activated it in ${region.name}; \`maestro networks describe\` lists them`);
    await ctx.emit(events.networkDeactivated, { tenantId: tenant.id, regionId: region.id, nativeId: found.nativeId }, networkScope(tenant, region, found));
    return { ok: true as const };
  },

  async moveInstance(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const instance = await instanceRow(ctx.db, tenant.id, input.instance);
    const region = await usableRegion(ctx, tenant, (await regionRefById(ctx.db, instance.regionId)).name);
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw invalidState(`instance ${instance.name} (${instance.id}) is ${instance.state}; move it once it is running or stopped`, { state: instance.state });
    }
    const network = await networkOf(ctx, region, input.network, tenant.id);
    if (network.external) {
      throw invalidInput(`network ${network.name} is external: instances join private networks and get a public IP instead`, { field: 'network' });
    }
    await callCloud(ctx, region, (driver, target, call) => {
      if (!supports(driver, 'networkMoves')) {
        throw invalidInput(`${region.cloud} regions (${region.name}) cannot move instances between networks through Maestro; run a new instance on ${network.name} instead`, {
          field: 'network',
        });
      }
      return driver.moveInstanceToNetwork(target, instance.nativeId, network.nativeId, call);
    });
    await ctx.emit(
      events.instanceNetworkChanged,
      { id: instance.id, networkNativeId: network.nativeId, network: network.name },
      { target: { id: instance.id, name: instance.name }, customerId: tenant.customerId, tenantId: tenant.id, region: region.name },
    );
    return { instanceId: instance.id, network: network.name, networkNativeId: network.nativeId };
  },
};

export const securityGroups: ManagerHandlers<Managers['securityGroups']> = {
  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    const items = await cloudSecurityGroups(ctx, region);
    return {
      items: items.filter((g) => containsText(g.name, input.search)).map(({ nativeId, name, description }) => ({ nativeId, name, description })),
    };
  },
};
