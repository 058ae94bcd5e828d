import { CloudError } from '../driver.js';

export const simOperations = ['run', 'start', 'stop', 'reboot', 'terminate', 'resize', 'volume', 'image', 'network', 'any'] as const;
export type SimOperation = (typeof simOperations)[number];

/**
 * A fault the simulator injects into its next matching calls: an API error, a call that hangs
 * past Maestro's timeout, or (for runs) a run that creates only some of the instances.
 */
export interface SimFault {
  operation: SimOperation;
  kind: 'error' | 'timeout' | 'partial';
  /** How many calls it affects. */
  times: number;
  message?: string;
  /** For 'partial': how many instances get created before the failure. */
  createdBefore?: number;
}

/**
 * Faults live in memory, outside any transaction: a fault is consumed by the call it breaks even
 * though that call's transaction rolls back.
 */
export class FaultPlan {
  readonly #byRegion = new Map<string, SimFault[]>();

  inject(region: string, fault: SimFault): void {
    const list = this.#byRegion.get(region) ?? [];
    list.push({ ...fault });
    this.#byRegion.set(region, list);
  }

  clear(region: string): void {
    this.#byRegion.delete(region);
  }

  pending(region: string): SimFault[] {
    return (this.#byRegion.get(region) ?? []).map((fault) => ({ ...fault }));
  }

  /** Takes the next fault for this operation, if any. */
  take(region: string, operation: SimOperation): SimFault | null {
    const list = this.#byRegion.get(region);
    const index = list?.findIndex((f) => f.operation === operation || f.operation === 'any') ?? -1;
    if (!list || index < 0) return null;
    const fault = list[index]!;
    fault.times -= 1;
    if (fault.times <= 0) list.splice(index, 1);
    return { ...fault };
  }
}

/** Acts out a fault that is not a partial run. */
export async function enact(fault: SimFault, operation: string, signal: AbortSignal): Promise<never> {
  if (fault.kind === 'timeout') {
    // Hang until the caller gives up, as an unresponsive cloud API would.
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    throw new CloudError('timeout', `the simulated cloud did not answer the ${operation} call`);
  }
  throw new CloudError('api', fault.message ?? `the simulated cloud failed the ${operation} call (injected fault)`);
}
