import type { CloudImage } from '../driver.js';

/** The public images every simulated region offers, like a vCloud Director public catalog. */
export const publicImages: readonly Omit<CloudImage, 'nativeId'>[] = [
  { name: 'ubuntu-24.04', os: 'linux', minDiskGb: 10 },
  { name: 'debian-12', os: 'linux', minDiskGb: 8 },
  { name: 'rhel-9', os: 'linux', minDiskGb: 20 },
  { name: 'windows-server-2022', os: 'windows', minDiskGb: 64 },
];

export const defaultRegionCapacity = { cpu: 2048, ramMb: 8 * 1024 * 1024, diskGb: 500_000 };
