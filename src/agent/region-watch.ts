import { randomUUID } from 'node:crypto';
import type { DriverCall } from '../clouds/driver.js';
import type { Clock } from '../domain/clock.js';
import { cloudInstance } from './driver-methods.js';
import { recordEvents } from './events.js';
import type { AgentRegion } from './executor.js';
import type { Log } from './log.js';
import { LISTING_PAGE_SIZE, type ListingPageMessage } from './messages.js';
import type { AgentStore, OutboxEntry } from './store/agent-store.js';

export interface RegionWatchOptions {
  agent: string;
  region: AgentRegion;
  store: AgentStore;
  clock: Clock;
  log: Log;
  wake(): void;
  /** How long a poll or a listing may take before it is abandoned. */
  timeoutMs: number;
}

/**
 * What the agent sees of one region on its own: the states its cloud reached (`pollStates`, as
 * `instance.state` events numbered per instance) and, for anti-entropy, full listings paged into
 * LISTING_PAGE messages. One poll and one listing at a time; asking again while one runs waits
 * for it.
 */
export class RegionWatch {
  #polling: Promise<number> | null = null;
  #listing: Promise<void> | null = null;

  constructor(private readonly options: RegionWatchOptions) {}

  #call(signal: AbortSignal): DriverCall {
    return { db: this.options.store.db, now: this.options.clock.now(), signal };
  }

  async #bounded<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const stop = new AbortController();
    const timer = new AbortController();
    void this.options.clock.sleep(this.options.timeoutMs, timer.signal).then(
      () => stop.abort(new Error(`no answer from the cloud within ${this.options.timeoutMs} ms`)),
      () => undefined,
    );
    try {
      return await work(stop.signal);
    } finally {
      timer.abort();
    }
  }

  /** Polls now; resolves with the number of states reported. */
  poll(): Promise<number> {
    this.#polling ??= this.#poll().finally(() => (this.#polling = null));
    return this.#polling;
  }

  async #poll(): Promise<number> {
    const { region, store, clock, agent } = this.options;
    const target = { name: region.name, nativeName: region.nativeName };
    const reports = await this.#bounded((signal) => region.driver.pollStates(target, this.#call(signal)));
    const at = clock.now();
    await store.transaction(async (tx) => {
      await recordEvents(
        store,
        tx,
        agent,
        region.name,
        reports.map((report) => ({
          resource: report.nativeId,
          kind: 'instance.state' as const,
          at: at.toISOString(),
          data: { nativeId: report.nativeId, state: report.state, reason: report.reason },
        })),
        at,
      );
      await store.setCheckpoint(tx, `poll:${region.name}`, { at: at.toISOString(), reports: reports.length }, at);
    });
    if (reports.length > 0) this.options.wake();
    return reports.length;
  }

  /** Lists the region now (a listing already running is joined instead); returns its id. */
  list(listingId: string = randomUUID()): { listingId: string; done: Promise<void> } {
    if (this.#listing) return { listingId: this.#currentListing!, done: this.#listing };
    this.#currentListing = listingId;
    this.#listing = this.#list(listingId).finally(() => {
      this.#listing = null;
      this.#currentListing = null;
    });
    return { listingId, done: this.#listing };
  }

  #currentListing: string | null = null;

  /** When the last listing was taken (kept across restarts). */
  async lastListing(): Promise<Date | null> {
    const checkpoint = await this.options.store.checkpoint<{ at: string }>(`listing:${this.options.region.name}`);
    return checkpoint ? new Date(checkpoint.at) : null;
  }

  async #list(listingId: string): Promise<void> {
    const { region, store, clock, agent, log } = this.options;
    const target = { name: region.name, nativeName: region.nativeName };
    const at = clock.now();
    let pages: ListingPageMessage['instances'][] = [[]];
    let error: string | null = null;
    try {
      const instances = await this.#bounded((signal) => region.driver.listInstances(target, this.#call(signal)));
      const checked = cloudInstance.array().safeParse(instances);
      if (!checked.success) throw new Error(`the driver listed malformed instances: ${checked.error.issues[0]?.message ?? ''}`);
      pages = [];
      for (let start = 0; start < checked.data.length; start += LISTING_PAGE_SIZE) pages.push(checked.data.slice(start, start + LISTING_PAGE_SIZE));
      if (pages.length === 0) pages = [[]];
    } catch (failure) {
      // Sent all the same, marked incomplete: the server must not take a failed listing as "nothing there".
      error = failure instanceof Error ? failure.message : String(failure);
      log.warn({ region: region.name, err: failure }, 'listing the region failed');
    }
    const entries: OutboxEntry[] = pages.map((instances, page) => ({
      id: randomUUID(),
      type: 'LISTING_PAGE',
      persistent: true,
      body: {
        agent,
        region: region.name,
        listingId,
        page,
        last: page === pages.length - 1,
        complete: error === null,
        at: at.toISOString(),
        instances,
        error,
      } satisfies ListingPageMessage,
    }));
    await store.transaction(async (tx) => {
      await store.enqueue(tx, entries, at);
      await store.setCheckpoint(tx, `listing:${region.name}`, { at: at.toISOString(), listingId, complete: error === null }, at);
    });
    this.options.wake();
  }
}
