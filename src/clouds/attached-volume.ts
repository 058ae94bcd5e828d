import { CloudError, type CloudVolume, type Driver, type DriverCall, type RegionTarget } from './driver.js';

/**
 * A volume created for an instance and attached to it as one change: attached, or not left behind
 * (deleted again, or the failure says it remains). Any driver's own create and attach, so a
 * private agent can carry the whole change out and report its end once.
 */
export async function createAttachedVolume(
  driver: Driver,
  region: RegionTarget,
  request: { name: string; sizeGb: number },
  instanceNativeId: string,
  call: DriverCall,
): Promise<CloudVolume> {
  const volume = await driver.createVolume(region, request, call);
  try {
    await driver.attachVolume(region, volume.nativeId, instanceNativeId, call);
    return volume;
  } catch (error) {
    let outcome = 'the new volume was deleted again';
    try {
      await driver.deleteVolume(region, volume.nativeId, call);
    } catch {
      outcome = `the new volume ${volume.nativeId} could not be deleted again and remains in the cloud`;
    }
    // Only the cloud's refusals are told as such; anything else is a fault, passed on as it is.
    if (!(error instanceof CloudError)) throw error;
    throw new CloudError(error.reason, `${error.message}; the volume was not attached and ${outcome}`, { retryable: false, status: error.status, cause: error });
  }
}
