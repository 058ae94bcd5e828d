import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Log } from '../../log.js';
import type { Delivery, WireMessage } from '../transport.js';
import type { Topology } from './topology.js';

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
      // A request given back comes back within a round trip, and one answered was routed
      // (routed() forgets it then): entries left are of requests nobody answered.
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

  /**
   * A request was answered, so a queue took it: its entry for a return goes now rather than
   * staying for the next 10,000 requests (kept that long, every entry outlived the young
   * generation and cost the garbage collector a copy and a promotion).
   */
  routed(messageId: string | undefined): void {
    if (messageId) this.#returned.delete(messageId);
  }

  /** Consumes a queue; every message becomes a Delivery settled on this session's channel; returns the consumer tag. */
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
  // Built field by field: one object per message, not one per optional property.
  const publish: Options.Publish = { headers: message.headers, contentType: 'text/plain' };
  if (message.correlationId) publish.correlationId = message.correlationId;
  if (message.messageId) publish.messageId = message.messageId;
  if (message.replyTo) publish.replyTo = message.replyTo;
  if (message.type) publish.type = message.type;
  if (options.persistent) publish.persistent = true;
  if (options.expirationMs !== undefined) publish.expiration = String(Math.max(1, Math.ceil(options.expirationMs)));
  if (options.mandatory) publish.mandatory = true;
  return publish;
}

function wireMessage(raw: ConsumeMessage): WireMessage {
  const headers: Record<string, string> = {};
  const received = (raw.properties.headers ?? {}) as Record<string, unknown>;
  for (const name in received) {
    const value = received[name];
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
