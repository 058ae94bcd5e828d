import { z } from 'zod';

/** Monthly prices convert to hourly ones with the seed's 730.5 hours per month (§3.4.2). */
export const HOURS_PER_MONTH = 730.5;

/**
 * An amount of money as exact decimal text: "0.0012", "-3.50", "1234.5678901234". Billing sums
 * keep every digit of what they add up, which a JSON number (a binary float) cannot carry, so
 * sub-cent costs are neither lost nor drift; round them only to show them.
 */
export const decimalAmount = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal in plain notation, such as 12.50 or 0.0012')
  .describe('an exact decimal amount, as text');

const money = z.number().min(0).max(1_000_000_000);

/** What an idle public address costs a month when a policy prices addresses without saying how much: 0.005 an hour, as the large public clouds charge. */
export const DEFAULT_IDLE_PUBLIC_IP_MONTH = 3.6525;
const perMonth = (what: string) => money.describe(`monthly price ${what}`);

/**
 * A price policy's prices, one calculator per kind of cost object (seed §3.4.3), all monthly.
 * A kind left out is not billed in that region.
 */
export const priceSchedule = z.strictObject({
  instance: z
    .strictObject({
      perCpuMonth: perMonth('per vCPU, while running'),
      perRamGbMonth: perMonth('per GB of RAM, while running'),
      perDiskGbMonth: perMonth('per GB of root disk, running or stopped').default(0),
      shapes: z.record(z.string().min(1).max(32), perMonth('of a shape while running, instead of CPU and RAM')).default({}),
      os: z.record(z.string().min(1).max(64), perMonth('added while running an image of this OS')).default({}),
    })
    .optional(),
  volume: z.strictObject({ perGbMonth: perMonth('per GB of volume') }).optional(),
  image: z.strictObject({ perGbMonth: perMonth("per GB of a tenant image's disk") }).optional(),
  snapshot: z.strictObject({ perGbMonth: perMonth('per GB of snapshot or checkpoint') }).optional(),
  service: z.strictObject({ perTenantMonth: perMonth('per tenant active in the region (a flat service fee)') }).optional(),
  publicIp: z
    .strictObject({
      perIdleMonth: money
        .default(DEFAULT_IDLE_PUBLIC_IP_MONTH)
        .describe(`monthly price per public IP allocated and not associated with an instance (${DEFAULT_IDLE_PUBLIC_IP_MONTH} when left out: 0.005 an hour)`),
    })
    .optional(),
});
export type PriceSchedule = z.output<typeof priceSchedule>;

export const billableTypes = ['instance', 'volume', 'image', 'snapshot', 'service', 'publicIp'] as const;
export type BillableType = (typeof billableTypes)[number];

/** The states a timeline bills: an instance running or stopped, anything else while it exists. */
export const billedStates = ['running', 'stopped', 'present'] as const;
export type BilledState = (typeof billedStates)[number];
