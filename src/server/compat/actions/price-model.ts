import { invalidInput } from '../../../protocol/errors.js';
import { defineAction, everyPage } from '../action.js';
import { m3, wireParams } from '../params.js';
import { eitherOf } from './nested-params.js';

type Row = Record<string, unknown>;

/**
 * The model as the command-line client's price plugin reads it: under `priceModel`, the instance
 * prices as `entries`, which it sorts by OS and total price, so every entry has an OS (ANY for a
 * price that holds whatever the OS).
 */
const clientPriceModel = (model: Record<'instancePriceModel' | 'storagePriceModel' | 'machineImagePriceModel' | 'checkpointPriceModel', Row[]>) => ({
  instancePriceModel: { entries: model.instancePriceModel.map((row) => ({ ...row, osType: row.osType ?? 'ANY' })) },
  storagePriceModel: model.storagePriceModel,
  machineImagePriceModel: model.machineImagePriceModel,
  checkpointPriceModel: model.checkpointPriceModel,
});

/**
 * GET_PRICE_MODEL: the price policy in force now in a region (Maestro's prices are per region:
 * the original's DEFAULT policy), as its unit prices per month: a shape's own price, or CPU and
 * RAM; an OS's surcharge; root disk, volume, image and snapshot per GB. The command-line client's
 * plugin names the region zoneName and turns --inactive into isResourceStateActive false; it
 * gets the model under `priceModel` as well.
 */
export const priceModel = defineAction({
  action: 'GET_PRICE_MODEL',
  params: wireParams({
    region: m3.text(64).optional(),
    zoneName: m3.text(64).optional(),
    from: m3.date().optional(),
    to: m3.date().optional(),
    policyType: m3.oneOf(['DEFAULT', 'PROJECT', 'PERSONAL']),
    inactive: m3.flag().optional(),
    isResourceStateActive: m3.flag().optional(),
    shapeName: m3.text(32).optional(),
  }),
  async run({ zoneName, isResourceStateActive, ...params }, { maestro }) {
    const region = eitherOf({ region: params.region, zoneName });
    if (region === undefined) throw invalidInput('give the region (region, or zoneName)', { field: 'region' });
    if (params.policyType !== 'DEFAULT') {
      throw invalidInput(`this server has one price policy per region (DEFAULT), no ${params.policyType} prices`, { field: 'policyType' });
    }
    if (params.from !== undefined || params.to !== undefined) {
      throw invalidInput(
        'this server describes the price policy in force now; `maestro price-policy describe --region R` lists every policy with the time it takes effect',
        { field: params.from !== undefined ? 'from' : 'to' },
      );
    }
    if (params.inactive === true || isResourceStateActive === false) {
      throw invalidInput(
        'this server prices a stopped instance by its root disk alone (systemStoragePrice, in every price model): leave inactive out',
        { field: 'inactive' },
      );
    }
    const { items } = await maestro.pricePolicies.describe({ region });
    const policy = items.find((p) => p.active) ?? null;
    const prices = policy?.prices ?? {};
    const instance = prices.instance;
    const shape = params.shapeName?.toUpperCase();
    const noRow = {
      osType: null,
      shape: null,
      initializationPrice: null,
      basePrice: null,
      vCoresPrice: null,
      memoryPrice: null,
      osPrice: null,
      systemStoragePrice: null,
      totalPrice: null,
    };
    const shapeRows = Object.entries(instance?.shapes ?? {})
      .filter(([name]) => shape === undefined || name.toUpperCase() === shape)
      .map(([name, price]) => ({ ...noRow, shape: name, basePrice: price, systemStoragePrice: instance!.perDiskGbMonth }));
    const instancePriceModel = instance
      ? [
          ...shapeRows,
          // Shapes without a price of their own cost their CPUs and RAM.
          ...(shape === undefined || shapeRows.length === 0
            ? [
                {
                  ...noRow,
                  shape: shape ?? null,
                  vCoresPrice: instance.perCpuMonth,
                  memoryPrice: instance.perRamGbMonth,
                  systemStoragePrice: instance.perDiskGbMonth,
                },
              ]
            : []),
          ...Object.entries(instance.os).map(([os, price]) => ({ ...noRow, osType: os, osPrice: price })),
        ]
      : [];
    // Volumes and snapshots cost the same attached or not, in use or not.
    const perGb = (entry: { perGbMonth: number } | undefined) => (entry ? [{ inactivePrice: entry.perGbMonth, activePrice: entry.perGbMonth }] : []);
    const model = {
      region: region.toUpperCase(),
      policyId: policy?.id ?? null,
      effectiveFrom: policy ? Date.parse(policy.effectiveFrom) : null,
      currencyCode: policy?.currency ?? null,
      pricePeriod: 'MONTH',
      instancePriceModel,
      storagePriceModel: perGb(prices.volume),
      machineImagePriceModel: prices.image ? [{ totalPrice: prices.image.perGbMonth }] : [],
      checkpointPriceModel: perGb(prices.snapshot),
      hardwarePriceModel: [],
      servicePriceModel: prices.service ? [{ perTenantMonth: prices.service.perTenantMonth }] : [],
    };
    return zoneName === undefined ? model : { ...model, priceModel: clientPriceModel(model) };
  },
});

/** GET_BILLING_REGION_TYPES: `{billingRegionTypes}`, the regions by the cloud the clients know them as. */
export const billingRegionTypes = defineAction({
  action: 'GET_BILLING_REGION_TYPES',
  params: wireParams({ all: m3.flag().optional() }),
  async run(params, { maestro }) {
    const regions = (await everyPage((page) => maestro.regions.describe(page))).filter(
      (region) => params.all === true || region.status === 'active',
    );
    const byCloud = new Map<string, string[]>();
    for (const region of regions) byCloud.set(region.clientCloud, [...(byCloud.get(region.clientCloud) ?? []), region.name]);
    const billingRegionTypes = [...byCloud].sort(([a], [b]) => a.localeCompare(b)).map(([regionType, names]) => ({ regionType, regions: names }));
    return { billingRegionTypes };
  },
});
