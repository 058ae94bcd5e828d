import { randomUUID } from 'node:crypto';
import { CloudError, defersChanges, PartialRunError, type DeferredChanges, type Driver, type RegionTarget, type TrackedCall } from '../../clouds/driver.js';
import { AppError } from '../../protocol/errors.js';
import { lockOperation } from '../agents/operations.js';
import type { CommandContext } from '../context.js';
import type { RegionRef } from '../queries/compute.js';

const kindOf: Record<CloudError['reason'], AppError['kind']> = {
  capacity: 'limit_exceeded',
  quota: 'limit_exceeded',
  // The cloud refused the region's own credentials: nothing the caller did, an administrator must act.
  unauthorized: 'unavailable',
  not_found: 'not_found',
  conflict: 'invalid_state',
  invalid: 'invalid_input',
  api: 'unavailable',
  timeout: 'unavailable',
  unsupported: 'invalid_input',
};

/** Turns a cloud's failure into the platform's error vocabulary, naming the region. */
export function fromCloudError(error: unknown, region: string): unknown {
  // A partial run carries the instances it created: the caller undoes it and reports them.
  if (!(error instanceof CloudError) || error instanceof PartialRunError) return error;
  const suffix = error.reason === 'timeout' ? '; the operation may still complete: describe the resource before retrying' : '';
  return new AppError(kindOf[error.reason], `${region}: ${error.message}${suffix}`, { cloudReason: error.reason, region });
}

/**
 * Calls a region's driver inside a command: with the command's transaction (for in-process
 * clouds), the command's clock, and a timeout after which the call is abandoned.
 */
export async function callCloud<T>(
  ctx: CommandContext,
  region: RegionRef,
  fn: (driver: Driver, target: RegionTarget, call: TrackedCall) => Promise<T>,
): Promise<T> {
  const driver = await ctx.services.clouds.forRegion(region, ctx.db);
  const timeoutMs = ctx.services.cloudCallTimeoutMs;
  const call = new AbortController();
  const timer = new AbortController();
  // Measured on the injected clock, so tests move time instead of waiting for it.
  const timeout = ctx.services.clock.sleep(timeoutMs, timer.signal).then(
    () => {
      call.abort();
      throw new CloudError('timeout', `the cloud did not answer within ${timeoutMs} ms`);
    },
    // Stopped because the call settled first: this side of the race never settles.
    () => new Promise<never>(() => undefined),
  );
  try {
    const driverCall: TrackedCall = {
      db: ctx.db,
      now: ctx.services.clock.now(),
      signal: call.signal,
      tenant: ctx.access.tenant?.name ?? null,
      operationId: randomUUID(),
    };
    return await Promise.race([fn(driver, { name: region.name, nativeName: region.nativeName }, driverCall), timeout]);
  } catch (error) {
    throw fromCloudError(error, region.name);
  } finally {
    timer.abort();
  }
}

/** A change a region's driver sees through in the call (`now`), or takes and finishes later (`defer`). */
export interface DeferrableChange<T> {
  now(driver: Driver, target: RegionTarget, call: TrackedCall): Promise<T>;
  /** Records that the change started (the event a report of its end completes), by the operation's id. */
  started(operationId: string): Promise<unknown>;
  defer(driver: Driver & DeferredChanges, target: RegionTarget, call: TrackedCall): Promise<void>;
}

/**
 * Calls the cloud for a long change: where the region's driver defers (a private agent's region),
 * the start is recorded under the operation's lock before the agent is asked, so its report of the
 * end always finds it (src/server/agents/operations.ts, docs/agent.md), and the answer is null;
 * elsewhere the change is seen through in the call and its result returned.
 */
export function callCloudOrDefer<T>(ctx: CommandContext, region: RegionRef, change: DeferrableChange<T>): Promise<T | null> {
  return callCloud(ctx, region, async (driver, target, call) => {
    if (!defersChanges(driver)) return change.now(driver, target, call);
    await lockOperation(ctx.db, call.operationId);
    await change.started(call.operationId);
    await change.defer(driver, target, call);
    return null;
  });
}
