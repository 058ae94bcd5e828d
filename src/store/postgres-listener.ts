import pg from 'pg';

export interface Subscription {
  onPayload(payload: string): void;
  /** Called after the connection was lost and listening resumed: notifications in between were missed. */
  onGap?: () => void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

/**
 * One connection carries every channel this process listens to (events, jobs …), so a node does
 * not spend a pooled connection per channel. When that connection drops (server restart,
 * pg_terminate_backend, network) it connects again with back-off, listens to the same channels,
 * and tells each subscriber it may have missed notifications.
 */
export class PostgresListener {
  readonly #subscriptions = new Map<string, Set<Subscription>>();
  #client: pg.PoolClient | null = null;
  #connecting: Promise<pg.PoolClient> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryMs = RETRY_MIN_MS;
  #closed = false;

  constructor(private readonly pool: pg.Pool) {}

  async listen(channel: string, subscription: Subscription): Promise<() => Promise<void>> {
    let subscribers = this.#subscriptions.get(channel);
    const isNew = !subscribers;
    if (!subscribers) {
      subscribers = new Set();
      this.#subscriptions.set(channel, subscribers);
    }
    subscribers.add(subscription);
    try {
      const client = await this.#connected();
      // LISTEN is idempotent: a connection made just now for this channel already listens to it.
      if (isNew) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      this.#forget(channel, subscription);
      throw error;
    }
    return async () => {
      if (!this.#forget(channel, subscription)) return;
      const client = this.#client;
      // A connection that cannot UNLISTEN is gone (its 'error' may not have arrived yet): it must not go back to the pool.
      if (client) await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch((error: Error) => this.#lost(client, error));
      if (this.#subscriptions.size === 0) this.#release();
    };
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#subscriptions.clear();
    this.#release();
  }

  /** Drops one subscription; true when its channel has no subscriber left. */
  #forget(channel: string, subscription: Subscription): boolean {
    const subscribers = this.#subscriptions.get(channel);
    if (!subscribers?.delete(subscription) || subscribers.size > 0) return false;
    this.#subscriptions.delete(channel);
    return true;
  }

  #connected(): Promise<pg.PoolClient> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  async #connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    if (this.#closed) {
      client.release();
      throw new Error('the listener was closed');
    }
    // Checked out for good, so a drop would otherwise be an uncaught 'error'.
    client.on('error', (error: Error) => this.#lost(client, error));
    client.on('notification', (message: pg.Notification) => {
      for (const subscription of this.#subscriptions.get(message.channel) ?? []) subscription.onPayload(message.payload ?? '');
    });
    try {
      for (const channel of this.#subscriptions.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    this.#client = client;
    return client;
  }

  #release(): void {
    const client = this.#client;
    this.#client = null;
    client?.release();
  }

  #lost(client: pg.PoolClient, error: Error): void {
    if (this.#client !== client) return;
    this.#client = null;
    // Released with the error, the pool discards the connection.
    client.release(error);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#subscriptions.size === 0 || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      // Everyone unsubscribed meanwhile: nothing to listen for.
      if (this.#subscriptions.size === 0) return;
      this.#connected().then(
        () => {
          this.#retryMs = RETRY_MIN_MS;
          for (const subscribers of this.#subscriptions.values()) for (const s of subscribers) s.onGap?.();
        },
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    this.#retryTimer.unref();
  }
}
