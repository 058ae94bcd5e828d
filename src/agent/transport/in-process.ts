import { randomUUID } from 'node:crypto';
import type { AgentTransport, Delivery, DeliveryHandler, ServerTransport, WireMessage } from './transport.js';

interface Queued {
  message: WireMessage;
  redelivered: boolean;
  /** Dropped (dead-lettered as expired) when nobody took it by then (performance.now()). */
  expiresAt: number | null;
  /** Told how it ended: the publisher of an event waits for it. */
  settled?: (outcome: 'ack' | 'dead') => void;
}

interface Queue {
  consumers: DeliveryHandler[];
  next: number;
  waiting: Queued[];
}

export interface DeadLetter {
  queue: string;
  reason: string;
  message: WireMessage;
}

/**
 * A broker inside one process, for an agent embedded in a server node: the same queues (a
 * request queue per region with competing consumers, reply addresses, the events queue, dead
 * letters) without RabbitMQ. Nothing is persisted: durability comes from the agent's outbox,
 * which deletes an event only once a server consumer has acknowledged it (publishEvent waits for
 * that here, where AMQP waits for the broker's confirm).
 */
export class InProcessBroker {
  readonly #queues = new Map<string, Queue>();
  readonly deadLetters: DeadLetter[] = [];

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = { consumers: [], next: 0, waiting: [] };
      this.#queues.set(name, queue);
    }
    return queue;
  }

  consumers(name: string): number {
    return this.#queues.get(name)?.consumers.length ?? 0;
  }

  /** Adds a message; it is delivered on a later turn of the event loop, as a network would. */
  enqueue(name: string, item: Queued): void {
    this.#queue(name).waiting.push(item);
    queueMicrotask(() => this.#dispatch(name));
  }

  consume(name: string, handler: DeliveryHandler): () => void {
    const queue = this.#queue(name);
    queue.consumers.push(handler);
    queueMicrotask(() => this.#dispatch(name));
    return () => {
      queue.consumers = queue.consumers.filter((consumer) => consumer !== handler);
    };
  }

  #dispatch(name: string): void {
    const queue = this.#queue(name);
    while (queue.consumers.length > 0 && queue.waiting.length > 0) {
      const item = queue.waiting.shift()!;
      if (item.expiresAt !== null && performance.now() > item.expiresAt) {
        this.deadLetters.push({ queue: name, reason: 'expired', message: item.message });
        item.settled?.('dead');
        continue;
      }
      const consumer = queue.consumers[queue.next % queue.consumers.length]!;
      queue.next += 1;
      consumer(this.#delivery(name, item));
    }
  }

  #delivery(name: string, item: Queued): Delivery {
    let settled = false;
    const once = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    return {
      message: item.message,
      redelivered: item.redelivered,
      ack: () => once(() => item.settled?.('ack')),
      requeue: () => once(() => this.enqueue(name, { ...item, redelivered: true })),
      deadLetter: async (reason) =>
        once(() => {
          this.deadLetters.push({ queue: name, reason, message: item.message });
          item.settled?.('dead');
        }),
    };
  }

  agentTransport(): AgentTransport {
    return new InProcessAgentTransport(this);
  }

  serverTransport(): ServerTransport {
    return new InProcessServerTransport(this);
  }
}

export const regionQueue = (region: string) => `region.${region}`;
const EVENTS = 'events';

abstract class InProcessLink {
  readonly connected = true;
  protected readonly stops: Array<() => void> = [];

  constructor(protected readonly broker: InProcessBroker) {}

  onConnectionChange(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
  }
}

class InProcessAgentTransport extends InProcessLink implements AgentTransport {
  async consumeRequests(regions: readonly string[], _options: { prefetch: number }, handler: DeliveryHandler): Promise<void> {
    for (const region of regions) this.stops.push(this.broker.consume(regionQueue(region), handler));
  }

  reply(replyTo: string, message: WireMessage): void {
    this.broker.enqueue(replyTo, { message, redelivered: false, expiresAt: null });
  }

  /**
   * Resolves once a server handled the message or set it aside as a dead letter: either way it
   * left the agent's hands, as a broker's confirm says over AMQP (re-sending a message the
   * server refused would only be refused again).
   */
  publishEvent(message: WireMessage): Promise<void> {
    return new Promise((resolve) => this.broker.enqueue(EVENTS, { message, redelivered: false, expiresAt: null, settled: () => resolve() }));
  }
}

class InProcessServerTransport extends InProcessLink implements ServerTransport {
  readonly #replyQueue = `reply.${randomUUID()}`;

  replyAddress(): string {
    return this.#replyQueue;
  }

  async consumeReplies(handler: DeliveryHandler): Promise<void> {
    this.stops.push(this.broker.consume(this.#replyQueue, handler));
  }

  async sendRequest(region: string, message: WireMessage, options: { expirationMs: number }): Promise<void> {
    this.broker.enqueue(regionQueue(region), { message, redelivered: false, expiresAt: performance.now() + options.expirationMs });
  }

  async regionConsumers(region: string): Promise<number> {
    return this.broker.consumers(regionQueue(region));
  }

  async consumeEvents(_options: { prefetch: number }, handler: DeliveryHandler): Promise<() => Promise<void>> {
    const stop = this.broker.consume(EVENTS, handler);
    this.stops.push(stop);
    return async () => stop();
  }
}
