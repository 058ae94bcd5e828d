import { connect, type ChannelModel } from 'amqplib';
import { systemClock, type Clock } from '../../../domain/clock.js';
import { silentLog, type Log } from '../../log.js';
import { AmqpSession, TransportError } from './session.js';
import type { Topology } from './topology.js';

export interface AmqpLinkOptions {
  url: string;
  /** Shown as the connection's name in the broker (rabbitmqctl list_connections client_properties). */
  name: string;
  topology: Topology;
  clock?: Clock;
  log?: Log;
  /** AMQP heartbeat: a dead peer or a silent network is noticed after about twice this. */
  heartbeatSeconds?: number;
  /** Back-off between connection attempts: initial, doubled each time up to max, with jitter. */
  reconnect?: { initialMs?: number; maxMs?: number };
  random?: () => number;
}

/** Connection URL with a heartbeat, unless it names one. */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

/** Where a URL points, without its password (for logs). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

type Setup = (session: AmqpSession) => Promise<unknown>;

/**
 * A connection to RabbitMQ that comes back: on loss it reconnects with back-off (measured on the
 * injected clock) and runs every setup again (topology, consumers) before it reports itself
 * connected. TCP_NODELAY is on: without it, Nagle's algorithm and delayed ACKs hold each small
 * request or answer back for tens of milliseconds.
 */
export class AmqpLink {
  readonly #setups: Setup[] = [];
  readonly #listeners = new Set<(connected: boolean) => void>();
  readonly #stop = new AbortController();
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #url: string;
  #session: AmqpSession | null = null;
  #generation = 0;
  #loop: Promise<void> | null = null;
  #closing = false;
  #connectedOnce!: () => void;
  readonly #firstConnect = new Promise<void>((resolve) => (this.#connectedOnce = resolve));

  constructor(private readonly options: AmqpLinkOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLog;
    this.#url = withHeartbeat(options.url, options.heartbeatSeconds ?? 10);
  }

  get connected(): boolean {
    return this.#session !== null;
  }

  get session(): AmqpSession | null {
    return this.#session;
  }

  get names(): Topology {
    return this.options.topology;
  }

  /** Starts connecting (and reconnecting); returns at once. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Resolves on the first successful connection. */
  whenConnected(): Promise<void> {
    this.start();
    return this.#firstConnect;
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs `setup` on the current connection (if any) and on every later one; returns what stops that. */
  async addSetup(setup: Setup): Promise<() => void> {
    this.#setups.push(setup);
    const remove = () => {
      const index = this.#setups.indexOf(setup);
      if (index >= 0) this.#setups.splice(index, 1);
    };
    const session = this.#session;
    if (!session) return remove;
    try {
      await setup(session);
    } catch (error) {
      // A half-set-up connection is worse than none: start over, with every setup.
      this.#log.warn({ err: error }, 'AMQP setup failed; reconnecting');
      await session.model.close().catch(() => undefined);
    }
    return remove;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#stop.abort(new TransportError('closed'));
    await this.#session?.model.close().catch(() => undefined);
    await this.#loop;
  }

  #notify(connected: boolean): void {
    for (const listener of this.#listeners) {
      try {
        listener(connected);
      } catch (error) {
        this.#log.error({ err: error }, 'a connection listener failed');
      }
    }
  }

  async #run(): Promise<void> {
    const { initialMs = 250, maxMs = 30_000 } = this.options.reconnect ?? {};
    const random = this.options.random ?? Math.random;
    let attempt = 0;
    while (!this.#closing) {
      let model: ChannelModel | undefined;
      try {
        model = await connect(this.#url, { noDelay: true, timeout: 10_000, clientProperties: { connection_name: this.options.name } });
        const lost = new Promise<Error | undefined>((resolve) => model!.once('close', resolve));
        model.on('error', (error: Error) => this.#log.warn({ err: error }, 'AMQP connection error'));
        model.on('blocked', (reason: string) => this.#log.warn({ reason }, 'the broker blocks publishing (resource alarm)'));
        model.on('unblocked', () => this.#log.info({}, 'the broker accepts publishing again'));
        const session = await this.#openSession(model);
        for (let index = 0; index < this.#setups.length; index += 1) await this.#setups[index]!(session);
        if (this.#closing) break;
        this.#session = session;
        if (attempt > 0) this.#log.info({ broker: safeUrl(this.options.url), attempts: attempt }, 'connected to the broker again');
        else this.#log.info({ broker: safeUrl(this.options.url) }, 'connected to the broker');
        attempt = 0;
        this.#connectedOnce();
        this.#notify(true);
        const reason = await lost;
        if (!this.#closing) this.#log.warn({ err: reason }, 'lost the connection to the broker; reconnecting');
      } catch (error) {
        if (this.#closing) break;
        this.#log.warn({ err: error, broker: safeUrl(this.options.url), attempt: attempt + 1 }, 'cannot connect to the broker');
        await model?.close().catch(() => undefined);
      }
      if (this.#session) {
        this.#session = null;
        this.#notify(false);
      }
      if (this.#closing) break;
      attempt += 1;
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 20));
      try {
        await this.#clock.sleep(Math.round(ceiling * (0.5 + random() / 2)), this.#stop.signal);
      } catch {
        break;
      }
    }
    if (this.#session) {
      this.#session = null;
      this.#notify(false);
    }
  }

  async #openSession(model: ChannelModel): Promise<AmqpSession> {
    this.#generation += 1;
    const generation = this.#generation;
    let alive = true;
    model.once('close', () => (alive = false));
    const publisher = await model.createConfirmChannel();
    const consumer = await model.createChannel();
    const rpc = await model.createChannel();
    for (const channel of [publisher, consumer, rpc]) {
      channel.on('error', (error: Error) => this.#log.warn({ err: error }, 'AMQP channel error'));
      // A channel the broker closed (a failed declaration) leaves the connection half usable: start over.
      channel.on('close', () => {
        if (this.#generation === generation && !this.#closing) void model.close().catch(() => undefined);
      });
    }
    return new AmqpSession(generation, model, publisher, consumer, rpc, this.options.topology, () => alive, this.#log);
  }
}
