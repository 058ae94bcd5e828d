import type { DeliveryHandler, ServerTransport, WireMessage } from '../transport.js';
import { AmqpLink, type AmqpLinkOptions } from './link.js';
import { TransportError, type AmqpSession } from './session.js';
import { declareRegion, declareShared, topology, type Topology } from './topology.js';

export interface AmqpServerTransportOptions extends Omit<AmqpLinkOptions, 'topology'> {
  prefix?: string;
}

/**
 * A server node's side over RabbitMQ: requests to region queues, answers on an exclusive reply
 * queue of its own (a new one with every connection), and the shared events queue.
 */
export class AmqpServerTransport implements ServerTransport {
  readonly link: AmqpLink;
  readonly names: Topology;
  #replyQueue: string | null = null;

  constructor(options: AmqpServerTransportOptions) {
    this.names = topology(options.prefix);
    this.link = new AmqpLink({ ...options, topology: this.names });
    void this.link.addSetup((session) => declareShared(session.publisher, this.names));
    this.link.onConnectionChange((connected) => {
      if (!connected) this.#replyQueue = null;
    });
  }

  start(): Promise<void> {
    return this.link.whenConnected();
  }

  get connected(): boolean {
    return this.link.connected;
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.link.onConnectionChange(listener);
  }

  replyAddress(): string | null {
    return this.link.connected ? this.#replyQueue : null;
  }

  async consumeReplies(handler: DeliveryHandler): Promise<void> {
    this.link.start();
    await this.link.addSetup(async (session) => {
      const { queue } = await session.consumer.assertQueue('', {
        exclusive: true,
        autoDelete: true,
        deadLetterExchange: this.names.deadLetterExchange,
      });
      // No acknowledgements: an answer is wanted once, by a caller waiting in this process.
      // An answer's correlation id is its request's message id.
      await session.consume(
        queue,
        (delivery) => {
          session.routed(delivery.message.correlationId);
          handler(delivery);
        },
        { noAck: true },
      );
      this.#replyQueue = queue;
    });
  }

  async sendRequest(region: string, message: WireMessage, options: { expirationMs: number; onUnroutable?: () => void }): Promise<void> {
    const session = this.link.session;
    if (!session) throw new TransportError('not connected to the broker');
    session.request(this.names.requestExchange, region, message, options, options.onUnroutable ?? (() => undefined));
  }

  async regionConsumers(region: string): Promise<number> {
    const session = this.link.session;
    if (!session) throw new TransportError('not connected to the broker');
    return declareRegion(session.publisher, this.names, region);
  }

  async consumeEvents(options: { prefetch: number }, handler: DeliveryHandler): Promise<() => Promise<void>> {
    this.link.start();
    let consuming: { session: AmqpSession; tag: string } | null = null;
    const remove = await this.link.addSetup(async (session) => {
      consuming = { session, tag: await session.consume(this.names.eventsQueue, handler, { prefetch: options.prefetch }) };
    });
    return async () => {
      remove();
      const current = consuming as { session: AmqpSession; tag: string } | null;
      if (current && current.session === this.link.session) await current.session.consumer.cancel(current.tag).catch(() => undefined);
    };
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
