import type { AgentTransport, DeliveryHandler, WireMessage } from '../transport.js';
import { AmqpLink, type AmqpLinkOptions } from './link.js';
import { TransportError } from './session.js';
import { declareRegion, declareShared, topology, type Topology } from './topology.js';

export interface AmqpAgentTransportOptions extends Omit<AmqpLinkOptions, 'topology'> {
  /** Names under this prefix (default `maestro`); servers and agents must agree. */
  prefix?: string;
}

/** The agent's side over RabbitMQ: consumes its regions' queues, answers, sends events. */
export class AmqpAgentTransport implements AgentTransport {
  readonly link: AmqpLink;
  readonly names: Topology;

  constructor(options: AmqpAgentTransportOptions) {
    this.names = topology(options.prefix);
    this.link = new AmqpLink({ ...options, topology: this.names });
    void this.link.addSetup((session) => declareShared(session.publisher, this.names));
  }

  /** Starts connecting; resolves at the first connection (the agent runs without one meanwhile). */
  start(): Promise<void> {
    return this.link.whenConnected();
  }

  get connected(): boolean {
    return this.link.connected;
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.link.onConnectionChange(listener);
  }

  async consumeRequests(regions: readonly string[], options: { prefetch: number }, handler: DeliveryHandler): Promise<void> {
    this.link.start();
    await this.link.addSetup(async (session) => {
      for (const region of regions) {
        await declareRegion(session.publisher, this.names, region);
        await session.consume(this.names.regionQueue(region), handler, { prefetch: options.prefetch });
      }
    });
  }

  reply(replyTo: string, message: WireMessage): void {
    this.link.session?.send(replyTo, message);
  }

  async publishEvent(message: WireMessage, options: { persistent: boolean }): Promise<void> {
    const session = this.link.session;
    if (!session) throw new TransportError('not connected to the broker');
    await session.publish('', this.names.eventsQueue, message, { persistent: options.persistent, mandatory: true });
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
