/**
 * How sealed messages move between Maestro servers and private agents. Two implementations:
 * AMQP (src/agent/transport/amqp/, the distributed case) and in-process (an agent running inside
 * the server). Sealing, signatures and parsing sit above this, in the same code for both, so an
 * embedded agent exercises the very checks a remote one does.
 */
export interface WireMessage {
  /** The sealed body (base64 text). */
  body: Buffer;
  /** The signature headers. */
  headers: Record<string, string>;
  correlationId?: string | undefined;
  messageId?: string | undefined;
  /** Where the answer goes; absent for messages nobody answers. */
  replyTo?: string | undefined;
  /** The call type, for people reading a queue; never trusted (it is not signed). */
  type?: string | undefined;
}

/** One message handed to a consumer; exactly one of ack, requeue and deadLetter settles it. */
export interface Delivery {
  readonly message: WireMessage;
  /** The broker delivered it before (a consumer died or gave it back): not a replay. */
  readonly redelivered: boolean;
  /** Done with it. */
  ack(): void;
  /** Not processed now; give it to a consumer again (the same one or another). */
  requeue(): void;
  /** It can never be processed: to the dead-letter queue, with why. */
  deadLetter(reason: string): Promise<void>;
}

export type DeliveryHandler = (delivery: Delivery) => void;

export interface TransportLink {
  /** Whether messages can be sent now. */
  readonly connected: boolean;
  /** Called on every connect and disconnect; returns a function that stops it. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}

/** The agent's side. */
export interface AgentTransport extends TransportLink {
  /** Consumes the request queues of these regions, from now on and after every reconnect. */
  consumeRequests(regions: readonly string[], options: { prefetch: number }, handler: DeliveryHandler): Promise<void>;
  /** Sends an answer. Best effort: a lost one makes the caller time out. */
  reply(replyTo: string, message: WireMessage): void;
  /**
   * Sends to the servers' events queue. Resolves once the broker has taken responsibility for it
   * (a publisher confirm; in-process, once a server has handled it); rejects if it did not.
   */
  publishEvent(message: WireMessage, options: { persistent: boolean }): Promise<void>;
}

/** A server node's side. */
export interface ServerTransport extends TransportLink {
  /** Where this node's answers arrive: changes with every connection. */
  replyAddress(): string | null;
  /** Receives the answers to this node's requests. */
  consumeReplies(handler: DeliveryHandler): Promise<void>;
  /**
   * Sends a request to a region's queue (without a publisher confirm: requests are transient and
   * their callers time out). `expirationMs`: a request nobody took by then is dropped, never
   * executed late. `onUnroutable`: no queue takes requests for the region.
   */
  sendRequest(region: string, message: WireMessage, options: { expirationMs: number; onUnroutable?: () => void }): Promise<void>;
  /** How many agents consume a region's queue now. */
  regionConsumers(region: string): Promise<number>;
  /** Consumes the events queue that all server nodes share; resolves with what stops consuming. */
  consumeEvents(options: { prefetch: number }, handler: DeliveryHandler): Promise<() => Promise<void>>;
}
