import { HOURS_PER_MONTH, type BillableType, type BilledState, type PriceSchedule } from '../../protocol/billing.js';

/** What the calculators need to know of a resource. */
export interface BillableSpec {
  type: BillableType;
  cpu?: number;
  ramMb?: number;
  diskGb?: number;
  shape?: string | null;
  os?: string | null;
  sizeGb?: number;
}

/**
 * The price calculators of seed §3.4.3: the monthly price of a resource in a billed state under
 * a policy's schedule. Instances: the shape's price (or CPU and RAM), the OS surcharge and the
 * root disk while running, the disk alone while stopped.
 */
export function monthlyPrice(prices: PriceSchedule, spec: BillableSpec, state: BilledState): number {
  switch (spec.type) {
    case 'instance': {
      const p = prices.instance;
      if (!p) return 0;
      const disk = (spec.diskGb ?? 0) * p.perDiskGbMonth;
      if (state !== 'running') return disk;
      const shaped = spec.shape ? p.shapes[spec.shape] : undefined;
      const compute = shaped ?? (spec.cpu ?? 0) * p.perCpuMonth + ((spec.ramMb ?? 0) / 1024) * p.perRamGbMonth;
      const os = spec.os ? (p.os[spec.os] ?? 0) : 0;
      return compute + os + disk;
    }
    case 'volume':
      return (spec.sizeGb ?? 0) * (prices.volume?.perGbMonth ?? 0);
    case 'image':
      return (spec.sizeGb ?? 0) * (prices.image?.perGbMonth ?? 0);
    case 'snapshot':
      return (spec.sizeGb ?? 0) * (prices.snapshot?.perGbMonth ?? 0);
    case 'service':
      return prices.service?.perTenantMonth ?? 0;
    // Billed only while idle: its timeline is closed while the address is associated.
    case 'publicIp':
      return prices.publicIp?.perIdleMonth ?? 0;
  }
}

export const perSecond = (monthly: number) => monthly / HOURS_PER_MONTH / 3600;
