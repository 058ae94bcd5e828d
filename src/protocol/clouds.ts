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

export const regionKinds = ['public', 'private'] as const;
export type RegionKind = (typeof regionKinds)[number];

export const regionStatuses = ['active', 'inactive', 'maintenance'] as const;
export type RegionStatus = (typeof regionStatuses)[number];
