/** Cloud kinds, with the wire names the published Maestro clients use (upper case). */
export const cloudKinds = [
  'AWS',
  'AZURE',
  'GOOGLE',
  'OCI',
  'OPEN_STACK',
  'VSPHERE',
  'VCD',
  'NUTANIX',
  'SIMULATED',
] as const;
export type CloudKind = (typeof cloudKinds)[number];

/**
 * The clouds the published Maestro command-line client accepts in `--cloud`. A simulated region
 * answers to one of them there (OPEN_STACK unless its administrator chose another), so scripts
 * written for the commercial product run against it unchanged; every other region answers to its
 * own cloud.
 */
export const clientCloudKinds = ['AWS', 'AZURE', 'GOOGLE', 'NUTANIX', 'OPEN_STACK', 'VSPHERE'] as const satisfies readonly CloudKind[];
export type ClientCloudKind = (typeof clientCloudKinds)[number];

/** The cloud the published clients know a region by: its own, or for a simulated one the cloud it imitates. */
export function clientCloudOf(region: { cloud: CloudKind; imitates?: ClientCloudKind | null }): CloudKind {
  return region.cloud === 'SIMULATED' ? (region.imitates ?? 'OPEN_STACK') : region.cloud;
}

export const regionKinds = ['public', 'private'] as const;
export type RegionKind = (typeof regionKinds)[number];

export const regionStatuses = ['active', 'inactive', 'maintenance'] as const;
export type RegionStatus = (typeof regionStatuses)[number];
