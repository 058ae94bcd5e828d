import { CloudError, PartialRunError, supports, type Driver, type DriverCall, type RegionTarget } from '../clouds/driver.js';
import type { Clock } from '../domain/clock.js';
import { composedMethods } from './composed-methods.js';
import { driverMethods } from './driver-methods.js';
import { hasCredentialCheck } from './drivers/registry.js';
import { recordEvents } from './events.js';
import type { CallFailure } from './messages.js';
import type { AgentStore, OperationOutcome } from './store/agent-store.js';
import type { z } from 'zod';
import type { driverCallRequest } from './messages.js';

/** A region this agent serves, with its driver. */
export interface AgentRegion {
  /** Maestro's name (upper case). */
  name: string;
  nativeName: string;
  driver: Driver;
}

export type Outcome = { ok: true; result: unknown } | { ok: false; failure: CallFailure };

const fail = (reason: CallFailure['reason'], message: string, retryable?: boolean): Outcome => ({
  ok: false,
  failure: { reason, message, retryable: retryable ?? new CloudError(reason, message).retryable },
});

/** A driver's error as the failure an answer carries: the cloud's words and whether a retry can help. */
export function failureOf(error: unknown, signal: AbortSignal): CallFailure {
  if (error instanceof PartialRunError) return { reason: error.reason, message: error.message, retryable: false, created: error.created };
  if (error instanceof CloudError) return { reason: error.reason, message: error.message, retryable: error.retryable };
  if (signal.aborted) return { reason: 'timeout', message: 'the cloud did not answer in the time the caller allowed', retryable: true };
  return { reason: 'api', message: error instanceof Error ? error.message : String(error), retryable: false };
}

export interface ExecutorOptions {
  agent: string;
  store: AgentStore;
  clock: Clock;
  /** Called after the outbox got something to send. */
  wake(): void;
  /** Called when an operation's outcome is unknown: a listing shows the server what the cloud holds. */
  reconcile(region: string): void;
  /** Aborted when the agent stops: what a call then returns is its interruption, not its outcome, and is not recorded. */
  stopped?: AbortSignal;
}

/**
 * Runs what servers ask of the agent on the region's driver. A mutating driver call is recorded
 * by operation id in the agent's store and its outcome sent as an `operation.done` event through
 * the outbox: a request repeated with the same id (a retry, or the broker redelivering it after
 * a lost connection) gets the recorded outcome and never runs twice.
 */
export class RequestExecutor {
  readonly #running = new Map<string, Promise<Outcome>>();

  constructor(private readonly options: ExecutorOptions) {}

  #call(signal: AbortSignal, tenant: string | null = null): DriverCall {
    return { db: this.options.store.db, now: this.options.clock.now(), signal, tenant };
  }

  async driverCall(region: AgentRegion, request: z.infer<typeof driverCallRequest>, signal: AbortSignal): Promise<Outcome> {
    const prepared = this.#prepare(region, request);
    if (!prepared.ok) return prepared.outcome;
    const invoke = () => prepared.invoke(signal);
    if (!driverMethods[request.method].mutating) return invoke();

    const already = this.#running.get(request.operationId);
    if (already) return already;
    const run = (async () => {
      const known = await this.#begin(region, request);
      return known ?? this.#finish(region, request, invoke);
    })();
    this.#running.set(request.operationId, run);
    try {
      return await run;
    } finally {
      this.#running.delete(request.operationId);
    }
  }

  /**
   * Records a changing call and answers at once; `schedule` runs it later (the agent bounds it by
   * tenant and region as any call) and its outcome goes out as `operation.done`. A request
   * repeated with the same id is accepted again without a second run.
   */
  async accept(
    region: AgentRegion,
    request: z.infer<typeof driverCallRequest>,
    schedule: (work: (signal: AbortSignal) => Promise<Outcome>) => Promise<Outcome>,
  ): Promise<Outcome> {
    const accepted: Outcome = { ok: true, result: { operationId: request.operationId, accepted: true } };
    const prepared = this.#prepare(region, request);
    if (!prepared.ok) return prepared.outcome;
    if (!driverMethods[request.method].mutating) return fail('invalid', `${request.method} changes nothing: call it without accept`);
    if (this.#running.has(request.operationId)) return accepted;
    const known = await this.#begin(region, request);
    // Done before: its outcome went out as an event then. Running in a run of the agent that stopped: #begin said so.
    if (known) return known.ok ? accepted : known;
    const run = schedule((signal) => this.#finish(region, request, () => prepared.invoke(signal)));
    this.#running.set(request.operationId, run);
    run.finally(() => this.#running.delete(request.operationId)).catch(() => undefined);
    return accepted;
  }

  /** The driver method with its arguments checked, ready to call; or why it cannot be. */
  #prepare(region: AgentRegion, request: z.infer<typeof driverCallRequest>): { ok: true; invoke: (signal: AbortSignal) => Promise<Outcome> } | { ok: false; outcome: Outcome } {
    const spec = driverMethods[request.method];
    if ('optional' in spec && !supports(region.driver, spec.optional)) {
      return { ok: false, outcome: fail('unsupported', `the ${region.driver.cloud} driver of region ${region.name} does not do ${request.method}`) };
    }
    const args = spec.args.safeParse(request.args);
    if (!args.success) {
      return { ok: false, outcome: fail('invalid', `${request.method} arguments: ${args.error.issues.map((i) => `${i.path.join('.') || '(all)'}: ${i.message}`).join('; ')}`) };
    }
    const target: RegionTarget = { name: region.name, nativeName: region.nativeName };
    const invoke = async (signal: AbortSignal): Promise<Outcome> => {
      try {
        const call = this.#call(signal, request.tenant);
        const composed = composedMethods[request.method];
        const method = (region.driver as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[request.method]!;
        const result = composed
          ? await composed(region.driver, target, ...(args.data as unknown[]), call)
          : await method.call(region.driver, target, ...(args.data as unknown[]), call);
        return { ok: true, result: result ?? null };
      } catch (error) {
        return { ok: false, failure: failureOf(error, signal) };
      }
    };
    return { ok: true, invoke };
  }

  /** Records the start of an operation; for one known before, its recorded outcome, or why its outcome is unknown. */
  async #begin(region: AgentRegion, request: z.infer<typeof driverCallRequest>): Promise<Outcome | null> {
    const { store, clock, agent } = this.options;
    const { operationId, method } = request;
    const known = await store.transaction(async (tx) => {
      const record = await store.beginOperation(tx, operationId, region.name, method, clock.now());
      if (!record) {
        await recordEvents(store, tx, agent, region.name, [
          { resource: operationId, kind: 'operation.progress', at: clock.now().toISOString(), data: { operationId, method, stage: 'started' } },
        ], clock.now());
      }
      return record;
    });
    this.options.wake();
    if (!known) return null;
    if (known.state === 'done') return fromRecord(known.outcome);
    this.options.reconcile(region.name);
    return fail(
      'conflict',
      `operation ${operationId} was started at ${known.startedAt} by a run of this agent that stopped before it finished; ` +
        'its outcome is unknown: a listing of the region is on its way to show what the cloud holds',
      false,
    );
  }

  /** Runs a recorded operation, then records its outcome and sends it as `operation.done`. */
  async #finish(region: AgentRegion, request: z.infer<typeof driverCallRequest>, invoke: () => Promise<Outcome>): Promise<Outcome> {
    const { operationId, method, tenant } = request;
    const outcome = await invoke();
    // Left running: the next start of the agent reports its outcome as unknown (abandonUnfinished).
    if (this.options.stopped?.aborted) return outcome;
    await this.#record(region.name, { operationId, method, tenant }, outcome);
    this.options.wake();
    return outcome;
  }

  /** Records an operation's outcome and sends it as `operation.done`, in one transaction of the store. */
  async #record(region: string, operation: { operationId: string; method: string; tenant: string | null }, outcome: Outcome): Promise<void> {
    const { store, clock, agent } = this.options;
    const record: OperationOutcome = outcome.ok ? { outcome: 'success', result: outcome.result } : { outcome: 'failure', failure: outcome.failure };
    await store.transaction(async (tx) => {
      await store.finishOperation(tx, operation.operationId, record, clock.now());
      await recordEvents(store, tx, agent, region, [
        {
          resource: operation.operationId,
          kind: 'operation.done',
          at: clock.now().toISOString(),
          data: { ...operation, outcome: record.outcome, ...(outcome.ok ? { result: outcome.result } : { failure: outcome.failure }) },
        },
      ], clock.now());
    });
  }

  /**
   * Ends the operations an earlier run of the agent started and never finished: their outcome is
   * unknown, and saying so lets whoever waits for them (an accepted capture) stop waiting; a
   * listing of each region then shows what the cloud holds. Returns how many there were.
   */
  async abandonUnfinished(): Promise<number> {
    const unfinished = await this.options.store.unfinishedOperations();
    for (const operation of unfinished) {
      const message =
        `the agent stopped before operation ${operation.operationId} (${operation.method}, started at ${operation.startedAt}) finished; ` +
        'its outcome is unknown: look in the cloud before trying again';
      await this.#record(operation.region, { operationId: operation.operationId, method: operation.method, tenant: null }, fail('conflict', message, false));
    }
    for (const region of new Set(unfinished.map((operation) => operation.region))) this.options.reconcile(region);
    if (unfinished.length > 0) this.options.wake();
    return unfinished.length;
  }

  /** A real call to the cloud with the region's credentials (a token request where the driver has one). */
  async validate(region: AgentRegion, signal: AbortSignal): Promise<Outcome> {
    const target: RegionTarget = { name: region.name, nativeName: region.nativeName };
    try {
      if (hasCredentialCheck(region.driver)) await region.driver.validateCredentials(target, this.#call(signal));
      else await region.driver.listInstances(target, this.#call(signal));
      return { ok: true, result: { region: region.name, cloud: region.driver.cloud, checkedAt: this.options.clock.now().toISOString() } };
    } catch (error) {
      return { ok: false, failure: failureOf(error, signal) };
    }
  }
}

const fromRecord = (record: OperationOutcome): Outcome =>
  record.outcome === 'success' ? { ok: true, result: record.result } : { ok: false, failure: record.failure as CallFailure };
