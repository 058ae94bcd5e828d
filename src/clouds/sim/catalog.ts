import type { CloudImage } from '../driver.js';

/** The public images every simulated region offers, like a vCloud Director public catalog. */
export const publicImages: readonly Omit<CloudImage, 'nativeId'>[] = [
  { name: 'ubuntu-24.04', os: 'linux', minDiskGb: 10 },
  { name: 'debian-12', os: 'linux', minDiskGb: 8 },
  { name: 'rhel-9', os: 'linux', minDiskGb: 20 },
  { name: 'windows-server-2022', os: 'windows', minDiskGb: 64 },
];

export const defaultRegionCapacity = { cpu: 2048, ramMb: 8 * 1024 * 1024, diskGb: 500_000 };

/**
 * The networks every simulated region has, as a vCloud Director organisation VDC would: two
 * private VLANs (instances join the first unless a run names another) and an external one that
 * public addresses are allocated from (198.18.0.0/15 is reserved for tests like these, RFC 2544).
 */
export const defaultNetworks: ReadonlyArray<{ name: string; vlanId: number; external: boolean; shared: boolean; cidr: string }> = [
  { name: 'private', vlanId: 100, external: false, shared: false, cidr: '10.0.0.0/16' },
  { name: 'backend', vlanId: 101, external: false, shared: false, cidr: '10.1.0.0/16' },
  { name: 'public', vlanId: 200, external: true, shared: true, cidr: '198.18.0.0/16' },
];
