import { billedInstanceState, enter, isOpen, resize, type Segment } from '../../domain/billing/timeline.js';
import { serviceResourceId } from '../../domain/billing/service-id.js';
import type { BillableType, BilledState, PriceSchedule } from '../../protocol/billing.js';
import * as billing from '../../protocol/events/billing.js';
import * as compute from '../../protocol/events/compute.js';
import * as networks from '../../protocol/events/networks.js';
import * as organisation from '../../protocol/events/organisation.js';
import { entityProjection } from '../../store/projection.js';

interface PricePolicyRow {
  id: string;
  regionId: string;
  effectiveFrom: string;
  currency: string;
  prices: PriceSchedule;
  description: string;
  createdAt: string;
}

const pricePolicies = entityProjection<PricePolicyRow>({
  name: 'price_policies',
  table: {
    table: 'price_policies',
    columns: ['id', 'regionId', 'effectiveFrom', 'currency', 'prices', 'description', 'createdAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(billing.pricePolicyCreated, (d) => ({ id: d.id }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(billing.pricePolicyDeleted, (d) => ({ id: d.id })),
  ],
});

/** What billing needs to price a resource: its size now (segments before a resize keep theirs). */
export interface TimelineSpec {
  cpu?: number;
  ramMb?: number;
  diskGb?: number;
  shape?: string | null;
  imageId?: string | null;
  sizeGb?: number;
}

interface TimelineRow {
  resourceId: string;
  resourceType: BillableType;
  tenantId: string;
  regionId: string;
  spec: TimelineSpec;
  segments: Segment[];
  open: boolean;
  closedAt: string | null;
  updatedAt: string;
}

/** A timeline that starts with the resource (seed §3.4.2: opened when it runs or is created). */
const started = (
  resource: { resourceId: string; resourceType: BillableType; tenantId: string; regionId: string; spec: TimelineSpec },
  state: BilledState | null,
  at: string,
) => moved({ ...resource, segments: [], open: false, closedAt: null, updatedAt: at }, state, at);

const instanceSpec = (d: { cpu: number; ramMb: number; diskGb: number; shape: string | null; imageId: string | null }): TimelineSpec => ({
  cpu: d.cpu,
  ramMb: d.ramMb,
  diskGb: d.diskGb,
  shape: d.shape,
  imageId: d.imageId,
});

function moved(row: TimelineRow, state: BilledState | null, at: string): TimelineRow {
  const segments = enter(row.segments, state, at);
  const open = isOpen(segments);
  return { ...row, segments, open, closedAt: open ? null : (segments.at(-1)?.to ?? null), updatedAt: at };
}

const billingTimelines = entityProjection<TimelineRow>({
  name: 'billing_timelines',
  table: {
    table: 'billing_timelines',
    columns: ['resourceId', 'resourceType', 'tenantId', 'regionId', 'spec', 'segments', 'open', 'closedAt', 'updatedAt'],
    key: ['resourceId'],
  },
  reducers: (on) => [
    on.set(compute.instanceLaunched, (d) => ({ resourceId: d.id }), (d, e) =>
      started({ resourceId: d.id, resourceType: 'instance', tenantId: d.tenantId, regionId: d.regionId, spec: instanceSpec(d) }, billedInstanceState(d.state), e.time),
    ),
    on.set(compute.instanceDiscovered, (d) => ({ resourceId: d.id }), (d, e) =>
      started({ resourceId: d.id, resourceType: 'instance', tenantId: d.tenantId, regionId: d.regionId, spec: instanceSpec(d) }, billedInstanceState(d.state), e.time),
    ),
    on(compute.instanceStateChanged, (d) => ({ resourceId: d.id }), (row, d, e) => row && moved(row, billedInstanceState(d.state), e.time)),
    on(compute.instanceVanished, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, null, e.time)),
    on(compute.instanceResized, (d) => ({ resourceId: d.id }), (row, d, e) => {
      if (!row) return row;
      const { cpu, ramMb, diskGb, shape } = row.spec;
      const segments = resize(row.segments, { cpu, ramMb, diskGb, shape }, e.time);
      return { ...row, spec: { ...row.spec, cpu: d.cpu, ramMb: d.ramMb, diskGb: d.diskGb, shape: d.shape }, segments, updatedAt: e.time };
    }),
    on.set(compute.volumeCreated, (d) => ({ resourceId: d.id }), (d, e) =>
      started({ resourceId: d.id, resourceType: 'volume', tenantId: d.tenantId, regionId: d.regionId, spec: { sizeGb: d.sizeGb } }, 'present', e.time),
    ),
    on(compute.volumeDeleted, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, null, e.time)),
    // Images of a tenant's own catalog; the public catalog is the cloud's.
    on(compute.imageCreated, (d) => ({ resourceId: d.id }), (_row, d, e) =>
      d.tenantId === null
        ? undefined
        : started({ resourceId: d.id, resourceType: 'image', tenantId: d.tenantId, regionId: d.regionId, spec: { sizeGb: d.minDiskGb } }, 'present', e.time),
    ),
    on(compute.imageDeleted, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, null, e.time)),
    // A public address is billed while it is allocated and idle: associating it pauses the bill.
    on.set(networks.publicIpAllocated, (d) => ({ resourceId: d.id }), (d, e) =>
      started({ resourceId: d.id, resourceType: 'publicIp', tenantId: d.tenantId, regionId: d.regionId, spec: {} }, 'present', e.time),
    ),
    on(networks.publicIpAssociated, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, null, e.time)),
    on(networks.publicIpDisassociated, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, 'present', e.time)),
    on(networks.publicIpReleased, (d) => ({ resourceId: d.id }), (row, _d, e) => row && moved(row, null, e.time)),
    on(organisation.tenantRegionActivated, (d) => ({ resourceId: serviceResourceId(d.tenantId, d.regionId) }), (row, d, e) =>
      row
        ? moved(row, 'present', e.time)
        : started({ resourceId: serviceResourceId(d.tenantId, d.regionId), resourceType: 'service', tenantId: d.tenantId, regionId: d.regionId, spec: {} }, 'present', e.time),
    ),
    on(organisation.tenantRegionDeactivated, (d) => ({ resourceId: serviceResourceId(d.tenantId, d.regionId) }), (row, _d, e) =>
      row && moved(row, null, e.time),
    ),
  ],
});

export const billingProjections = [pricePolicies, billingTimelines];
