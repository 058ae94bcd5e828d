import * as compute from '../../protocol/events/compute.js';
import * as events from '../../protocol/events/quotas.js';
import { entityProjection } from '../../store/projection.js';
import { updated } from './row-updates.js';

interface DailyQuotaRow {
  tenantId: string;
  regionId: string;
  intervalHours: number;
  instances: number | null;
  cpu: number | null;
  ramMb: number | null;
  volumes: number | null;
  storageGb: number | null;
  updatedAt: string;
}

const dailyKey = (d: { tenantId: string; regionId: string }) => ({ tenantId: d.tenantId, regionId: d.regionId });

const dailyQuotas = entityProjection<DailyQuotaRow>({
  name: 'daily_quotas',
  table: {
    table: 'daily_quotas',
    columns: ['tenantId', 'regionId', 'intervalHours', 'instances', 'cpu', 'ramMb', 'volumes', 'storageGb', 'updatedAt'],
    key: ['tenantId', 'regionId'],
  },
  reducers: (on) => [
    on.set(events.dailyQuotaSet, dailyKey, (d, e) => ({ ...d, updatedAt: e.time })),
    on.remove(events.dailyQuotaDeleted, dailyKey),
  ],
});

interface CreationRow {
  resourceId: string;
  tenantId: string;
  regionId: string;
  kind: 'instance' | 'volume';
  cpu: number;
  ramMb: number;
  storageGb: number;
  createdAt: string;
}

/**
 * What daily quotas count: every instance and volume Maestro created, kept when they are
 * terminated or deleted, since a creation quota counts creations. Discovered instances were not
 * created through Maestro and do not count.
 */
const quotaCreations = entityProjection<CreationRow>({
  name: 'quota_creations',
  table: {
    table: 'quota_creations',
    columns: ['resourceId', 'tenantId', 'regionId', 'kind', 'cpu', 'ramMb', 'storageGb', 'createdAt'],
    key: ['resourceId'],
  },
  reducers: (on) => [
    on.set(compute.instanceLaunched, (d) => ({ resourceId: d.id }), (d, e) => ({
      resourceId: d.id,
      tenantId: d.tenantId,
      regionId: d.regionId,
      kind: 'instance',
      cpu: d.cpu,
      ramMb: d.ramMb,
      storageGb: 0,
      createdAt: e.time,
    })),
    // A creation through an agent counts when it starts, and stops counting if the cloud refused it.
    ...[compute.volumeCreated, compute.volumeCreationStarted].map((definition) =>
      on(definition, (d) => ({ resourceId: d.id }), (row, d, e) =>
        row ?? { resourceId: d.id, tenantId: d.tenantId, regionId: d.regionId, kind: 'volume', cpu: 0, ramMb: 0, storageGb: d.sizeGb, createdAt: e.time },
      ),
    ),
    on.remove(compute.volumeCreationFailed, (d) => ({ resourceId: d.id })),
  ],
});

interface MonthlyQuotaRow {
  id: string;
  tenantId: string;
  scope: string;
  target: string;
  amount: number;
  currency: string;
  notifyAtPercent: number | null;
  action: string;
  revision: number;
  updatedAt: string;
}

const monthlyQuotas = entityProjection<MonthlyQuotaRow>({
  name: 'monthly_quotas',
  table: {
    table: 'monthly_quotas',
    columns: ['id', 'tenantId', 'scope', 'target', 'amount', 'currency', 'notifyAtPercent', 'action', 'revision', 'updatedAt'],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.monthlyQuotaSet, (d) => ({ id: d.id }), ({ limit, target, ...d }, e) => ({
      ...d,
      target: target ?? '',
      amount: limit,
      revision: e.seq,
      updatedAt: e.time,
    })),
    on.remove(events.monthlyQuotaDeleted, (d) => ({ id: d.id })),
  ],
});

interface ThresholdRow {
  quotaId: string;
  revision: number;
  month: string;
  percent: number;
  spent: number;
  reachedAt: string;
}

const thresholdKey = (d: { quotaId: string; revision: number; month: string; percent: number }) => ({
  quotaId: d.quotaId,
  revision: d.revision,
  month: d.month,
  percent: d.percent,
});

const quotaThresholds = entityProjection<ThresholdRow>({
  name: 'quota_thresholds',
  table: { table: 'quota_thresholds', columns: ['quotaId', 'revision', 'month', 'percent', 'spent', 'reachedAt'], key: ['quotaId', 'revision', 'month', 'percent'] },
  reducers: (on) => [on.set(events.quotaThresholdReached, thresholdKey, (d, e) => ({ ...thresholdKey(d), spent: d.spent, reachedAt: e.time }))],
});

interface ApprovalRow {
  id: string;
  tenantId: string;
  command: string;
  input: Record<string, unknown>;
  requesterId: string | null;
  requesterName: string;
  reason: string;
  quotaIds: string[];
  state: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  error: string | null;
  updatedAt: string;
}

const approvals = entityProjection<ApprovalRow>({
  name: 'approvals',
  table: {
    table: 'approvals',
    columns: [
      'id', 'tenantId', 'command', 'input', 'requesterId', 'requesterName', 'reason', 'quotaIds', 'state', 'requestedAt',
      'decidedBy', 'decidedAt', 'comment', 'error', 'updatedAt',
    ],
    key: ['id'],
  },
  reducers: (on) => [
    on.set(events.approvalRequested, (d) => ({ id: d.id }), (d, e) => ({
      ...d,
      state: 'pending',
      requestedAt: e.time,
      decidedBy: null,
      decidedAt: null,
      comment: null,
      error: null,
      updatedAt: e.time,
    })),
    ...([
      [events.approvalApproved, 'approved'],
      [events.approvalRejected, 'rejected'],
    ] as const).map(([definition, state]) =>
      on(definition, (d) => ({ id: d.id }), (row, d, e) =>
        updated(row, { state, decidedBy: d.deciderName, decidedAt: e.time, comment: d.comment }, e.time),
      ),
    ),
    on(events.approvalExecuted, (d) => ({ id: d.id }), (row, _d, e) => updated(row, { state: 'executed' }, e.time)),
    on(events.approvalFailed, (d) => ({ id: d.id }), (row, d, e) => updated(row, { state: 'failed', error: d.message }, e.time)),
  ],
});

export const quotaProjections = [dailyQuotas, quotaCreations, monthlyQuotas, quotaThresholds, approvals];
