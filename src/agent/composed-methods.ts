import { createAttachedVolume } from '../clouds/attached-volume.js';
import type { Driver, DriverCall, RegionTarget } from '../clouds/driver.js';
import type { DriverMethod } from './driver-methods.js';

type Composed = (driver: Driver, target: RegionTarget, ...argsThenCall: unknown[]) => Promise<unknown>;

/**
 * Methods of the agent's protocol that are no driver method: the agent carries each out with
 * several calls of the region's driver, as one operation whose end it reports once.
 */
export const composedMethods: Partial<Record<DriverMethod, Composed>> = {
  createAttachedVolume: (driver, target, request, instanceNativeId, call) =>
    createAttachedVolume(driver, target, request as { name: string; sizeGb: number }, instanceNativeId as string, call as DriverCall),
};
