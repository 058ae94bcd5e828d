import { supports, type Driver, type PublicIpOperations, type RegionTarget, type TrackedCall } from '../../clouds/driver.js';
import type { Managers } from '../../protocol/commands/index.js';
import { AppError, invalidInput, invalidState } from '../../protocol/errors.js';
import * as events from '../../protocol/events/networks.js';
import { uuidv7 } from '../../protocol/ids.js';
import { callCloud } from '../compute/cloud-call.js';
import type { CommandContext, ManagerHandlers } from '../context.js';
import type { EventScope } from '../event-writer.js';
import { regionRef, regionRefById, type RegionRef } from '../queries/compute.js';
import { instanceRow, type InstanceRow } from '../queries/instances.js';
import type { TenantRow } from '../queries/organisation.js';
import { listPublicIps, publicIpByRef, publicIpOfInstance, publicIpView, type PublicIpRow } from '../queries/public-ips.js';
import { admitPublicIp } from '../quotas/public-ips.js';
import { cloudNetworks, findNetwork } from './networks.js';
import { tenantInScope, usableRegion } from './scope.js';

const scopeOf = (tenant: TenantRow, region: RegionRef, ip: { id: string; address: string }): EventScope => ({
  target: { id: ip.id, name: ip.address },
  customerId: tenant.customerId,
  tenantId: tenant.id,
  region: region.name,
});

/** Calls the region's public IP operations, or refuses clearly where its cloud has none. */
function callPublicIps<T>(
  ctx: CommandContext,
  region: RegionRef,
  fn: (driver: Driver & PublicIpOperations, target: RegionTarget, call: TrackedCall) => Promise<T>,
): Promise<T> {
  return callCloud(ctx, region, (driver, target, call) => {
    if (!supports(driver, 'publicIps')) {
      throw invalidInput(`${region.cloud} regions (${region.name}) do not offer public IPs through Maestro; choose a region of another cloud`, { field: 'region' });
    }
    return fn(driver, target, call);
  });
}

/** The public IP a call names, with its region. */
async function namedIp(ctx: CommandContext, tenant: TenantRow, input: { ip: string; region?: string | undefined }) {
  const where = input.region === undefined ? null : await regionRef(ctx.db, input.region);
  const ip = await publicIpByRef(ctx.db, tenant.id, input.ip, where);
  return { ip, region: where ?? (await regionRefById(ctx.db, ip.regionId)) };
}

const instanceNamed = async (ctx: CommandContext, id: string) => {
  const { rows } = await ctx.db.query<{ name: string }>('SELECT name FROM instances WHERE id = $1', [id]);
  return rows[0] ? `${rows[0].name} (${id})` : id;
};

/** An instance an address of `region` may forward to: the tenant's own, in that region, running or stopped. */
async function associableInstance(ctx: CommandContext, tenant: TenantRow, region: RegionRef, id: string): Promise<InstanceRow> {
  const instance = await instanceRow(ctx.db, tenant.id, id);
  if (instance.regionId !== region.id) {
    const elsewhere = await regionRefById(ctx.db, instance.regionId);
    throw invalidInput(
      `instance ${instance.name} (${instance.id}) is in region ${elsewhere.name} and the address in ${region.name}; an address forwards only to instances of its own region`,
      { field: 'instance' },
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw invalidState(`instance ${instance.name} (${instance.id}) is ${instance.state}; associate an address with it once it is running or stopped`, {
      state: instance.state,
    });
  }
  return instance;
}

/** Takes an address from the instance it forwards to, in the cloud and in the record. */
async function disassociate(ctx: CommandContext, tenant: TenantRow, region: RegionRef, ip: PublicIpRow & { instanceId: string }): Promise<void> {
  await callPublicIps(ctx, region, (driver, target, call) => driver.disassociatePublicIp(target, ip.nativeId, call));
  await ctx.emit(events.publicIpDisassociated, { id: ip.id, instanceId: ip.instanceId, reason: null }, scopeOf(tenant, region, ip));
}

/**
 * Associates, or, when the address was taken from another instance first (a move), gives it back
 * to that instance should the cloud refuse the new one, so a refused move leaves it where it was.
 */
async function associate(ctx: CommandContext, region: RegionRef, ip: PublicIpRow, instance: InstanceRow, takenFrom: string | null) {
  try {
    return await callPublicIps(ctx, region, (driver, target, call) => driver.associatePublicIp(target, ip.nativeId, instance.nativeId, call));
  } catch (error) {
    if (takenFrom === null || !(error instanceof AppError)) throw error;
    const back = await instanceRow(ctx.db, ip.tenantId, takenFrom);
    const outcome = await callPublicIps(ctx, region, (driver, target, call) => driver.associatePublicIp(target, ip.nativeId, back.nativeId, call)).then(
      () => `it stays with instance ${back.name} (${back.id})`,
      () => `it could not be given back to instance ${back.name} (${back.id}) and is idle in the cloud`,
    );
    throw new AppError(error.kind, `${error.message}; the address was not moved and ${outcome}`, error.details);
  }
}

export const publicIps: ManagerHandlers<Managers['publicIps']> = {
  async allocate(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const region = await usableRegion(ctx, tenant, input.region);
    let networkNativeId: string | null = null;
    if (input.network !== undefined) {
      const network = findNetwork(region, await cloudNetworks(ctx, region, 'network'), input.network);
      if (!network.external) {
        throw invalidInput(`network ${network.name} of ${region.name} is private; public IPs are allocated from an external network`, { field: 'network' });
      }
      networkNativeId = network.nativeId;
    }
    await admitPublicIp(ctx, tenant, region);
    const allocated = await callPublicIps(ctx, region, (driver, target, call) => driver.allocatePublicIp(target, { networkNativeId }, call));
    const id = uuidv7();
    await ctx.emit(
      events.publicIpAllocated,
      {
        id,
        tenantId: tenant.id,
        regionId: region.id,
        nativeId: allocated.nativeId,
        address: allocated.address,
        networkNativeId: allocated.networkNativeId,
        ownerId: ctx.actor.userId,
      },
      scopeOf(tenant, region, { id, address: allocated.address }),
    );
    return publicIpView(ctx.db, id);
  },

  async describe(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    // Any existing region: a tenant may still hold addresses in a region it was since deactivated in.
    const region = input.region === undefined ? undefined : await regionRef(ctx.db, input.region);
    return listPublicIps(ctx.db, {
      tenantId: tenant.id,
      regionId: region?.id,
      instanceId: input.instance,
      ids: input.ids,
      search: input.search,
      limit: input.limit,
      cursor: input.cursor,
    });
  },

  async associate(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const { ip, region } = await namedIp(ctx, tenant, input);
    const instance = await associableInstance(ctx, tenant, region, input.instance);
    if (ip.instanceId === instance.id) return publicIpView(ctx.db, ip.id);
    const other = await publicIpOfInstance(ctx.db, instance.id);
    if (other) {
      throw invalidState(
        `instance ${instance.name} (${instance.id}) already has public IP ${other.address}; an instance has one at most: disassociate that one first`,
        { instanceId: instance.id, publicIp: other.address },
      );
    }
    const takenFrom = ip.instanceId;
    if (takenFrom !== null) {
      if (!input.move) {
        throw invalidState(
          `public IP ${ip.address} is associated with instance ${await instanceNamed(ctx, takenFrom)}; disassociate it first, or associate with move to take it over`,
          { instanceId: takenFrom },
        );
      }
      await disassociate(ctx, tenant, region, { ...ip, instanceId: takenFrom });
    }
    const associated = await associate(ctx, region, ip, instance, takenFrom);
    await ctx.emit(events.publicIpAssociated, { id: ip.id, instanceId: instance.id, privateAddress: associated.privateAddress }, scopeOf(tenant, region, ip));
    return publicIpView(ctx.db, ip.id);
  },

  async disassociate(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const { ip, region } = await namedIp(ctx, tenant, input);
    const { instanceId } = ip;
    if (instanceId === null) throw invalidState(`public IP ${ip.address} is not associated with any instance; there is nothing to disassociate`);
    await disassociate(ctx, tenant, region, { ...ip, instanceId });
    return publicIpView(ctx.db, ip.id);
  },

  async release(input, ctx) {
    const tenant = await tenantInScope(ctx, input.tenant);
    const { ip, region } = await namedIp(ctx, tenant, input);
    if (ip.instanceId !== null) {
      throw invalidState(`public IP ${ip.address} is associated with instance ${await instanceNamed(ctx, ip.instanceId)}; disassociate it first, then release it`, {
        instanceId: ip.instanceId,
      });
    }
    await callPublicIps(ctx, region, (driver, target, call) => driver.releasePublicIp(target, ip.nativeId, call));
    await ctx.emit(events.publicIpReleased, { id: ip.id }, scopeOf(tenant, region, ip));
    return { ok: true as const };
  },
};
