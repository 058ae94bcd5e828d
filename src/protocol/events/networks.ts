import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

/** A public address allocated to a tenant in a region, from one of its cloud's external networks. */
export const publicIpAllocated = defineEvent('publicIp.allocated', {
  action: 'create',
  target: targetTypes.publicIp,
  data: z.object({
    id,
    tenantId: id,
    regionId: id,
    nativeId: z.string(),
    address: z.string(),
    networkNativeId: z.string(),
    ownerId: id.nullable(),
  }),
});

export const publicIpAssociated = defineEvent('publicIp.associated', {
  action: 'attach',
  target: targetTypes.publicIp,
  data: z.object({ id, instanceId: id, privateAddress: z.string().nullable() }),
});

/** No longer forwarded to the instance: asked for, or (reason given) the instance was terminated. */
export const publicIpDisassociated = defineEvent('publicIp.disassociated', {
  action: 'detach',
  target: targetTypes.publicIp,
  data: z.object({ id, instanceId: id, reason: z.string().nullable() }),
});

export const publicIpReleased = defineEvent('publicIp.released', {
  action: 'delete',
  target: targetTypes.publicIp,
  data: z.object({ id }),
});

/** A network of the region's cloud made usable by a tenant's instances there (the original's VLAN activation). */
export const networkActivated = defineEvent('network.activated', {
  action: 'enable',
  target: targetTypes.network,
  data: z.object({ tenantId: id, regionId: id, nativeId: z.string(), name: z.string(), description: z.string(), activatedBy: id.nullable() }),
});

export const networkDeactivated = defineEvent('network.deactivated', {
  action: 'disable',
  target: targetTypes.network,
  data: z.object({ tenantId: id, regionId: id, nativeId: z.string() }),
});

/** An instance's interface moved to another network of its region. */
export const instanceNetworkChanged = defineEvent('instance.networkChanged', {
  action: 'update',
  target: targetTypes.instance,
  data: z.object({ id, networkNativeId: z.string(), network: z.string() }),
});

/** How many public addresses a tenant may hold at once, in one region or (regionId null) in all. */
export const publicIpQuotaSet = defineEvent('quota.publicIpsSet', {
  action: 'update',
  target: targetTypes.quota,
  data: z.object({ tenantId: id, regionId: id.nullable(), limit: z.number().int() }),
});

export const publicIpQuotaDeleted = defineEvent('quota.publicIpsDeleted', {
  action: 'delete',
  target: targetTypes.quota,
  data: z.object({ tenantId: id, regionId: id.nullable() }),
});
