import type { Clock } from '../domain/clock.js';
import type { Log } from './log.js';
import type { AgentStore, OutboxEntry } from './store/agent-store.js';
import type { AgentTransport, WireMessage } from './transport/transport.js';

export interface OutboxRelayOptions {
  store: AgentStore;
  transport: AgentTransport;
  /** Seals and signs an entry at the moment it is sent, so its date is fresh on every attempt. */
  seal(entry: OutboxEntry): WireMessage;
  clock: Clock;
  log: Log;
  batchSize?: number;
  /** Pause after a publish the broker did not confirm. */
  retryMs?: number;
}

/**
 * Sends the outbox: the oldest entries, published with confirms (persistent where they must not
 * be lost), each deleted once the broker confirmed it. A process killed in between sends them
 * again on its next start, with the same message and event ids; the servers apply by id.
 */
export class OutboxRelay {
  readonly #stop = new AbortController();
  #waiters: Array<() => void> = [];
  #dirty = true;
  #loop: Promise<void> | null = null;
  #stopListening: (() => void) | null = null;
  #idle: Array<() => void> = [];

  /** Resolves on stop: a publish that never settles (an in-process server gone) does not hold stop() up. */
  readonly #stopped: Promise<'stopped'>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.#stopped = new Promise((resolve) => this.#stop.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
  }

  start(): void {
    this.#stopListening = this.options.transport.onConnectionChange(() => this.wake());
    this.#loop ??= this.#run();
  }

  /** Something was written to the outbox (or the connection came back): look again. */
  wake(): void {
    this.#dirty = true;
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves once the outbox was found empty after this call. */
  drained(): Promise<void> {
    this.wake();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async stop(): Promise<void> {
    this.#stopListening?.();
    this.#stop.abort();
    this.wake();
    await this.#loop;
  }

  #nextWake(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Waits before sending again, but no longer than until the connection comes back (a wake). */
  async #pause(): Promise<void> {
    const slept = new AbortController();
    const signal = AbortSignal.any([this.#stop.signal, slept.signal]);
    await Promise.race([this.options.clock.sleep(this.options.retryMs ?? 1000, signal).catch(() => undefined), this.#nextWake()]);
    slept.abort();
  }

  async #run(): Promise<void> {
    const { store, transport, log, clock } = this.options;
    const batchSize = this.options.batchSize ?? 64;
    while (!this.#stop.signal.aborted) {
      if (!transport.connected) {
        await this.#nextWake();
        continue;
      }
      this.#dirty = false;
      let batch: OutboxEntry[];
      try {
        batch = await store.pending(batchSize);
      } catch (error) {
        log.error({ err: error }, 'cannot read the outbox');
        await clock.sleep(this.options.retryMs ?? 1000, this.#stop.signal).catch(() => undefined);
        continue;
      }
      if (batch.length === 0) {
        for (const resolve of this.#idle.splice(0)) resolve();
        if (!this.#dirty) await this.#nextWake();
        continue;
      }
      const outcomes = await Promise.race([
        Promise.allSettled(batch.map((entry) => transport.publishEvent(this.options.seal(entry), { persistent: entry.persistent }))),
        this.#stopped,
      ]);
      // Stopped mid-send: what was not deleted goes again at the next start.
      if (outcomes === 'stopped') break;
      const sent = batch.filter((_, index) => outcomes[index]!.status === 'fulfilled').map((entry) => entry.id);
      try {
        await store.confirmed(sent);
      } catch (error) {
        // Sent but still in the outbox: they go again, and the servers drop the copies by id.
        log.error({ err: error }, 'cannot delete confirmed messages from the outbox');
      }
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) {
        log.warn({ err: failed.reason, unsent: batch.length - sent.length }, 'the broker did not take outbox messages; trying again');
        await this.#pause();
      }
    }
  }
}
