import { z } from 'zod';
import type { OutputOf } from '../../../protocol/command.js';
import type { quotas } from '../../../protocol/commands/quotas.js';
import { AppError, invalidInput } from '../../../protocol/errors.js';
import { defineAction, type Commands } from '../action.js';
import { m3, wireParams } from '../params.js';
import { budgetsReport } from './budgets.js';
import { besideOrIn, lift } from './nested-params.js';

/**
 * The original's instance and storage quotas are two halves of Maestro's daily resource quota of a
 * tenant in a region: one rolling window (creation-interval-hours) with limits per dimension. Each
 * half is set and removed without touching the other limits of the quota; as they share the
 * window, a half whose interval differs from the quota's other limits is refused, not rewritten.
 */
type DailyQuota = OutputOf<typeof quotas.describeDaily>['items'][number];
type Dimension = keyof DailyQuota['limits'];

const place = { tenantName: m3.text(64), region: m3.text(64) };
const placeParams = wireParams(place);
type Place = z.output<typeof placeParams>;

/** The original's interval is whole hours from 1; ours goes up to a year. */
const intervalHours = () => m3.integer(1, 24 * 366);

async function dailyQuotaOf(maestro: Commands, where: Place): Promise<DailyQuota | null> {
  const { items } = await maestro.quotas.describeDaily({ tenant: where.tenantName, region: where.region });
  return items[0] ?? null;
}

/** The quota's limits outside `dimensions` that are set. */
function otherLimits(quota: DailyQuota | null, dimensions: readonly Dimension[]): Partial<Record<Dimension, number>> {
  if (!quota) return {};
  return Object.fromEntries(
    Object.entries(quota.limits).filter(([dimension, limit]) => limit !== null && !dimensions.includes(dimension as Dimension)),
  ) as Partial<Record<Dimension, number>>;
}

async function setHalf(maestro: Commands, where: Place, hours: number, what: string, limits: Partial<Record<Dimension, number>>) {
  const existing = await dailyQuotaOf(maestro, where);
  const others = otherLimits(existing, Object.keys(limits) as Dimension[]);
  if (existing && Object.keys(others).length > 0 && existing.intervalHours !== hours) {
    throw invalidInput(
      `the ${what} quota must use the creation interval of the other limits of tenant ${existing.tenant}'s quota in region ${existing.region} ` +
        `(${Object.keys(others).join(', ')}: ${existing.intervalHours} hours): on this server they share one window. ` +
        `Use creationIntervalHours ${existing.intervalHours}, or remove the other quota first`,
      { field: 'creationIntervalHours' },
    );
  }
  await maestro.quotas.setDaily({ tenant: where.tenantName, region: where.region, intervalHours: hours, ...others, ...limits });
}

/** Removes the half's limits; the quota goes when nothing else is left in it. */
async function removeHalf(maestro: Commands, where: Place, what: string, dimensions: readonly Dimension[]) {
  const existing = await dailyQuotaOf(maestro, where);
  if (!existing || dimensions.every((dimension) => existing.limits[dimension] === null)) throw noQuota(what, where);
  const others = otherLimits(existing, dimensions);
  if (Object.keys(others).length === 0) {
    await maestro.quotas.deleteDaily({ tenant: where.tenantName, region: where.region });
  } else {
    await maestro.quotas.setDaily({ tenant: where.tenantName, region: where.region, intervalHours: existing.intervalHours, ...others });
  }
  return null;
}

const noQuota = (what: string, where: Place) =>
  new AppError('not_found', `tenant ${where.tenantName.toUpperCase()} has no ${what} quota in region ${where.region.toUpperCase()}`, {
    resource: `${what} quota`,
  });

const windowOf = (quota: DailyQuota) => ({
  tenantName: quota.tenant,
  region: quota.region,
  windowStart: Date.parse(quota.windowStart),
  updatedAt: Date.parse(quota.updatedAt),
});

const creationCount = () => m3.integer(0, 1_000_000);
const instanceLimits = besideOrIn('instanceQuota', { creationIntervalHours: intervalHours(), creationIntervalCount: creationCount() });
const volumeLimits = besideOrIn('volumeQuota', {
  creationIntervalHours: intervalHours(),
  creationIntervalCount: creationCount(),
  maxSize: m3.integer(1, 1_000_000),
});

/** UPDATE_INSTANCE_QUOTA: the command-line client nests the limits in `instanceQuota`, other clients send them beside the place. */
export const updateInstanceQuota = defineAction({
  action: 'UPDATE_INSTANCE_QUOTA',
  params: wireParams({ ...place, ...instanceLimits.shape }).superRefine(instanceLimits.once),
  async run(wire, { maestro }) {
    const params = lift(wire, 'instanceQuota');
    await setHalf(maestro, params, params.creationIntervalHours, 'instance', { instances: params.creationIntervalCount });
    return null;
  },
});

/**
 * GET_INSTANCE_QUOTA and GET_VOLUME_QUOTA answer null where no quota is set, not an error: the
 * client's plugins print "There are no records to display" for null (a list would crash them).
 */
export const getInstanceQuota = defineAction({
  action: 'GET_INSTANCE_QUOTA',
  params: placeParams,
  async run(params, { maestro }) {
    const quota = await dailyQuotaOf(maestro, params);
    if (quota?.limits.instances == null) return null;
    return {
      creationIntervalHours: quota.intervalHours,
      creationIntervalCount: quota.limits.instances,
      createdInInterval: quota.used.instances,
      ...windowOf(quota),
    };
  },
});

export const removeInstanceQuota = defineAction({
  action: 'REMOVE_INSTANCE_QUOTA',
  params: placeParams,
  run: (params, { maestro }) => removeHalf(maestro, params, 'instance', ['instances']),
});

/**
 * The original limits the size of each storage created; Maestro limits the total size created in
 * the window. The two agree when at most one storage may be created in the window, so only then
 * is the size stored (as the total); other combinations are refused.
 */
export const updateVolumeQuota = defineAction({
  action: 'UPDATE_VOLUME_QUOTA',
  // volumeQuota: where the command-line client's create-storage-quota plugin nests them.
  params: wireParams({ ...place, ...volumeLimits.shape }).superRefine(volumeLimits.once),
  async run(wire, { maestro }) {
    const params = lift(wire, 'volumeQuota');
    if (params.creationIntervalCount > 1) {
      throw invalidInput(
        'maxSize limits each storage, but this server limits the total size of the storages created in the interval: the two mean ' +
          'the same only when at most one storage may be created (creationIntervalCount 0 or 1). For more storages, set a total ' +
          'with `maestro quotas set-daily --volumes N --storage-gb TOTAL`',
        { field: 'creationIntervalCount' },
      );
    }
    await setHalf(maestro, params, params.creationIntervalHours, 'storage', { volumes: params.creationIntervalCount, storageGb: params.maxSize });
    return null;
  },
});

export const getVolumeQuota = defineAction({
  action: 'GET_VOLUME_QUOTA',
  params: placeParams,
  async run(params, { maestro }) {
    const quota = await dailyQuotaOf(maestro, params);
    const { volumes, storageGb } = quota?.limits ?? {};
    if (!quota || (volumes == null && storageGb == null)) return null;
    return {
      // A total is a per-storage maximum only when at most one storage fits in the window.
      maxSizeGb: volumes != null && volumes <= 1 ? storageGb : null,
      creationIntervalHours: quota.intervalHours,
      creationIntervalCount: volumes,
      totalSizeGb: storageGb,
      createdInInterval: quota.used.volumes,
      createdSizeGbInInterval: quota.used.storageGb,
      ...windowOf(quota),
    };
  },
});

export const removeVolumeQuota = defineAction({
  action: 'REMOVE_VOLUME_QUOTA',
  params: placeParams,
  run: (params, { maestro }) => removeHalf(maestro, params, 'storage', ['volumes', 'storageGb']),
});

export const quotaActions = [
  updateInstanceQuota,
  getInstanceQuota,
  removeInstanceQuota,
  updateVolumeQuota,
  getVolumeQuota,
  removeVolumeQuota,
  budgetsReport,
];
