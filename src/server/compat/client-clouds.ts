import type { CloudKind } from '../../protocol/clouds.js';
import type { Region } from '../../protocol/commands/organisation-schemas.js';
import { everyPage, type Commands } from './action.js';

/**
 * One rule for the cloud a client names (docs/compat.md): a region answers to its own cloud and to
 * the cloud the published clients know it by — for a simulated region, the one it imitates
 * (OPEN_STACK unless set), since the clients' `--cloud` has no name for a simulator.
 */
export function answersTo(region: Pick<Region, 'cloud' | 'clientCloud'>, cloud: CloudKind | null | undefined): boolean {
  if (cloud === undefined) return true;
  return cloud !== null && (region.cloud === cloud || region.clientCloud === cloud);
}

/** Every region the caller sees, by name. */
export async function regionsByName(maestro: Commands): Promise<Map<string, Region>> {
  return new Map((await everyPage((page) => maestro.regions.describe(page))).map((region) => [region.name, region]));
}

/** The regions the caller sees that answer to `cloud`. */
export async function regionsAnswering(maestro: Commands, cloud: CloudKind | null): Promise<Region[]> {
  if (cloud === null) return [];
  return [...(await regionsByName(maestro)).values()].filter((region) => answersTo(region, cloud));
}

// Per request (one Commands object each): a batch of twenty calls for one region asks for it once.
const regionsOfRequest = new WeakMap<Commands, Map<string, Promise<Region | undefined>>>();

/** A region the caller sees, by name (undefined when it cannot see it), looked up once per request. */
export function regionNamed(maestro: Commands, name: string): Promise<Region | undefined> {
  let known = regionsOfRequest.get(maestro);
  if (!known) regionsOfRequest.set(maestro, (known = new Map()));
  const key = name.toUpperCase();
  let region = known.get(key);
  if (!region) {
    region = maestro.regions.describe({ name }).then(({ items }) => items[0]);
    // A failed lookup is not kept: the next call asks again and gets its own error.
    region.catch(() => known.delete(key));
    known.set(key, region);
  }
  return region;
}

/** The cloud the clients know a region by; null for a region the caller cannot see. */
export async function clientCloudOfRegion(maestro: Commands, name: string): Promise<CloudKind | null> {
  return (await regionNamed(maestro, name))?.clientCloud ?? null;
}
