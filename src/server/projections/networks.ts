import * as events from '../../protocol/events/networks.js';
import { entityProjection } from '../../store/projection.js';
import { updated } from './row-updates.js';

interface PublicIpRow {
  id: string;
  tenantId: string;
  regionId: string;
  nativeId: string;
  address: string;
  networkNativeId: string;
  instanceId: string | null;
  privateAddress: string | null;
  ownerId: string | null;
  createdAt: string;
  updatedAt: string;
}

const publicIps = entityProjection<PublicIpRow>({
  name: 'public_ips',
  table: {
    table: 'public_ips',
    columns: ['id', 'tenantId', 'regionId', 'nativeId', 'address', 'networkNativeId', 'instanceId', 'privateAddress', 'ownerId', 'createdAt', 'updatedAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.publicIpAllocated, (d) => ({ id: d.id }), (d, e) => ({ ...d, instanceId: null, privateAddress: null, createdAt: e.time, updatedAt: e.time })),
    on(events.publicIpAssociated, (d) => ({ id: d.id }), (row, d, e) => updated(row, { instanceId: d.instanceId, privateAddress: d.privateAddress }, e.time)),
    on(events.publicIpDisassociated, (d) => ({ id: d.id }), (row, _d, e) => updated(row, { instanceId: null, privateAddress: null }, e.time)),
    on.remove(events.publicIpReleased, (d) => ({ id: d.id })),
  ],
});

interface TenantNetworkRow {
  tenantId: string;
  regionId: string;
  nativeId: string;
  name: string;
  description: string;
  activatedBy: string | null;
  createdAt: string;
}

const tenantNetworks = entityProjection<TenantNetworkRow>({
  name: 'tenant_networks',
  table: {
    table: 'tenant_networks',
    columns: ['tenantId', 'regionId', 'nativeId', 'name', 'description', 'activatedBy', 'createdAt'],
    key: ['tenantId', 'regionId', 'nativeId'],
  },
  reducers: (on) => [
    on.set(events.networkActivated, (d) => ({ tenantId: d.tenantId, regionId: d.regionId, nativeId: d.nativeId }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.networkDeactivated, (d) => ({ tenantId: d.tenantId, regionId: d.regionId, nativeId: d.nativeId })),
  ],
});

interface PublicIpQuotaRow {
  tenantId: string;
  /** The region's id, or 'all' for the quota over every region. */
  place: string;
  regionId: string | null;
  maxAddresses: number;
  updatedAt: string;
}

const placeOf = (d: { tenantId: string; regionId: string | null }) => ({ tenantId: d.tenantId, place: d.regionId ?? 'all' });

const publicIpQuotas = entityProjection<PublicIpQuotaRow>({
  name: 'public_ip_quotas',
  table: { table: 'public_ip_quotas', columns: ['tenantId', 'place', 'regionId', 'maxAddresses', 'updatedAt'], key: ['tenantId', 'place'] },
  reducers: (on) => [
    on.set(events.publicIpQuotaSet, placeOf, (d, e) => ({ ...placeOf(d), regionId: d.regionId, maxAddresses: d.limit, updatedAt: e.time })),
    on.remove(events.publicIpQuotaDeleted, placeOf),
  ],
});

export const networkProjections = [publicIps, tenantNetworks, publicIpQuotas];
