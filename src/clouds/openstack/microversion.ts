import { CloudError } from '../driver.js';

/** The compute microversions this driver is written for: 2.47 embeds the flavor in a server. */
export const computeVersions = { min: '2.47', max: '2.90' } as const;

const parts = (version: string): [number, number] => {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return [major, minor];
};

export function compareVersions(a: string, b: string): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am !== bm ? am - bm : an - bn;
}

/**
 * The microversion to ask for: the highest both sides speak. A cloud older than the driver's
 * minimum is refused with what it would need.
 */
export function negotiate(cloud: { min: string; max: string }, ours: { min: string; max: string } = computeVersions): string {
  const chosen = compareVersions(cloud.max, ours.max) < 0 ? cloud.max : ours.max;
  if (compareVersions(chosen, ours.min) < 0 || compareVersions(chosen, cloud.min) < 0) {
    throw new CloudError(
      'unsupported',
      `the compute API speaks microversions ${cloud.min} to ${cloud.max}; this driver needs ${ours.min} to ${ours.max} (OpenStack Pike or later)`,
    );
  }
  return chosen;
}
