import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { systemClock, type Clock } from '../../../domain/clock.js';
import { silentLog, type Log } from '../../log.js';
import type { Delivery, WireMessage } from '../transport.js';
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

export class TransportError extends Error {
  override name = 'TransportError';
}

export interface PublishOptions {
  persistent?: boolean;
  expirationMs?: number;
  /** Refuse (reject) when no queue takes it, instead of the broker dropping it. */
  mandatory?: boolean;
}

/** One live connection: its channels, replaced as a whole when the connection is lost. */
export class AmqpSession {
  readonly #returned = new Map<string, () => void>();

  constructor(
    readonly generation: number,
    readonly model: ChannelModel,
    /** Publisher confirms: the broker acknowledges each message it took. */
    readonly publisher: ConfirmChannel,
    readonly consumer: Channel,
    /**
     * Requests and answers: no publisher confirms. They are transient (not persistent, expiring)
     * and the caller has a timeout, so a confirm would buy nothing; it cost about 15% of a round
     * trip at one call in flight.
     */
    readonly rpc: Channel,
    private readonly names: Topology,
    private readonly isCurrent: () => boolean,
    private readonly log: Log,
  ) {
    const onReturn = (message: ConsumeMessage) => {
      const id = message.properties.messageId as unknown;
      if (typeof id === 'string') this.#returned.get(id)?.();
    };
    publisher.on('return', onReturn);
    rpc.on('return', onReturn);
  }

  /** Publishes and resolves once the broker confirmed it (and, if mandatory, routed it). */
  publish(exchange: string, routingKey: string, message: WireMessage, options: PublishOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = message.messageId;
      let returned = false;
      if (options.mandatory && id) this.#returned.set(id, () => (returned = true));
      try {
        this.publisher.publish(exchange, routingKey, message.body, properties(message, options), (error: unknown) => {
          if (options.mandatory && id) this.#returned.delete(id);
          if (error) reject(new TransportError(`the broker did not take the message: ${describe(error)}`));
          else if (returned) reject(new TransportError(`no queue takes messages for ${routingKey || exchange}`));
          else resolve();
        });
      } catch (error) {
        if (options.mandatory && id) this.#returned.delete(id);
        reject(new TransportError(`cannot publish: ${describe(error)}`));
      }
    });
  }

  /** Publishes without waiting for the confirm (answers: a lost one makes the caller time out). */
  send(queue: string, message: WireMessage): void {
    try {
      this.rpc.publish('', queue, message.body, properties(message, {}));
    } catch (error) {
      this.log.debug({ err: error, queue }, 'could not send a message: the connection is gone');
    }
  }

  /**
   * Sends a request without waiting for a confirm; `onUnroutable` hears it if the broker gives
   * it back because no queue takes it.
   */
  request(exchange: string, routingKey: string, message: WireMessage, options: { expirationMs: number }, onUnroutable: () => void): void {
    const id = message.messageId;
    if (id) {
      // Answers to unroutable messages come within a round trip; older entries are of no use.
      if (this.#returned.size >= 10_000) this.#returned.delete(this.#returned.keys().next().value!);
      this.#returned.set(id, () => {
        this.#returned.delete(id);
        onUnroutable();
      });
    }
    try {
      this.rpc.publish(exchange, routingKey, message.body, properties(message, { expirationMs: options.expirationMs, mandatory: true }));
    } catch (error) {
      if (id) this.#returned.delete(id);
      throw new TransportError(`cannot publish: ${describe(error)}`);
    }
  }

  /** Consumes a queue; every message becomes a Delivery settled on this session's channel. */
  /** Consumes a queue; returns the consumer tag. */
  async consume(queue: string, handler: (delivery: Delivery) => void, options: { prefetch?: number; noAck?: boolean } = {}): Promise<string> {
    if (options.prefetch) await this.consumer.prefetch(options.prefetch, false);
    const { consumerTag } = await this.consumer.consume(
      queue,
      (raw) => {
        if (raw) handler(this.#delivery(queue, raw, options.noAck ?? false));
      },
      { noAck: options.noAck ?? false },
    );
    return consumerTag;
  }

  #delivery(queue: string, raw: ConsumeMessage, noAck: boolean): Delivery {
    let settled = noAck;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      // A delivery of a lost connection cannot be settled: the broker gives it to someone again.
      if (!this.isCurrent()) return;
      try {
        action();
      } catch (error) {
        this.log.debug({ err: error, queue }, 'could not settle a delivery: the channel is gone');
      }
    };
    const message = wireMessage(raw);
    return {
      message,
      redelivered: raw.fields.redelivered,
      ack: () => settle(() => this.consumer.ack(raw)),
      requeue: () => settle(() => this.consumer.nack(raw, false, true)),
      deadLetter: async (reason) => {
        const headers: Record<string, string> = {
          ...message.headers,
          'x-maestro-dead-letter-reason': reason.slice(0, 1000),
          'x-maestro-dead-letter-queue': queue,
        };
        try {
          await this.publish(this.names.deadLetterExchange, queue, { ...message, headers }, { persistent: true });
          settle(() => this.consumer.ack(raw));
        } catch {
          // Without the copy, the broker dead-letters the original itself (x-death, no reason).
          settle(() => this.consumer.nack(raw, false, false));
        }
      },
    };
  }
}

function properties(message: WireMessage, options: PublishOptions): Options.Publish {
  return {
    headers: message.headers,
    contentType: 'text/plain',
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
    ...(message.messageId ? { messageId: message.messageId } : {}),
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    ...(message.type ? { type: message.type } : {}),
    ...(options.persistent ? { persistent: true } : {}),
    ...(options.expirationMs !== undefined ? { expiration: String(Math.max(1, Math.ceil(options.expirationMs))) } : {}),
    ...(options.mandatory ? { mandatory: true } : {}),
  };
}

function wireMessage(raw: ConsumeMessage): WireMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.properties.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
    else if (Buffer.isBuffer(value)) headers[name] = value.toString('utf8');
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    body: raw.content,
    headers,
    correlationId: text(raw.properties.correlationId),
    messageId: text(raw.properties.messageId),
    replyTo: text(raw.properties.replyTo),
    type: text(raw.properties.type),
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
