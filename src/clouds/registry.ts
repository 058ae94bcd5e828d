import type { CloudKind } from '../protocol/clouds.js';
import { AppError } from '../protocol/errors.js';
import type { Driver } from './driver.js';

/** The drivers this node can use, by cloud kind. */
export class DriverRegistry {
  readonly #drivers = new Map<CloudKind, Driver>();

  register(driver: Driver): void {
    this.#drivers.set(driver.cloud, driver);
  }

  has(cloud: CloudKind): boolean {
    return this.#drivers.has(cloud);
  }

  get(cloud: CloudKind): Driver {
    const driver = this.#drivers.get(cloud);
    if (!driver) {
      throw new AppError('unavailable', `this Maestro node has no driver for ${cloud} regions; the region can be registered but not used yet`);
    }
    return driver;
  }

  clouds(): CloudKind[] {
    return [...this.#drivers.keys()];
  }
}
