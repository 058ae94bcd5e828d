import { systemClock, type Clock } from '../../domain/clock.js';
import { parseCalls } from '../../protocol/envelope/calls.js';
import { openSignedMessage, SignedMessageError, type ReplayGuard } from '../../protocol/envelope/signed-message.js';
import { ReplayCache } from '../../server/auth/replay-cache.js';
import { signsAs, type AgentKey } from '../envelope.js';
import { silentLog, type Log } from '../log.js';
import { agentMessages, type AgentMessage } from '../messages.js';
import type { Delivery, ServerTransport } from '../transport/transport.js';

/** One message from an agent, checked and parsed. */
export type ReceivedAgentMessage = AgentMessage & {
  /** The agent that signed it (from its key, not from what the body says). */
  agent: string;
  keyId: string;
  /** The outbox id: the same on every re-send of the message. */
  messageId: string;
};

export interface AgentEventConsumerOptions {
  transport: ServerTransport;
  /** Every current key of every agent (during a rotation, old and new). */
  lookupKey(keyId: string): AgentKey | null | undefined | Promise<AgentKey | null | undefined>;
  /**
   * Applies one message (the caller's database transaction). The message is acknowledged only
   * after it resolves; when it throws, the message is tried again after a pause, and after
   * `maxAttempts` failures it goes to the dead-letter queue.
   */
  handle(message: ReceivedAgentMessage): Promise<void>;
  clock?: Clock;
  log?: Log;
  windowMs?: number;
  /** Replays are refused; several server nodes should share one guard (the server's replay cache). */
  replays?: ReplayGuard;
  prefetch?: number;
  maxAttempts?: number;
  /** Pause before a failed message is tried again (doubled each time). */
  retryDelayMs?: number;
}

/** Ids of messages already handled, so a re-send the broker or the agent makes is acknowledged without a second call. */
class RecentIds {
  readonly #ids = new Set<string>();
  constructor(private readonly max: number) {}
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.values().next().value!);
  }
}

/**
 * The server side of the agents' events queue: every message is verified (date window,
 * signature, the key's agent, replays) and opened with the agent keys the server knows, parsed
 * with the message schemas, and handed to `handle` one at a time, in the order received. A
 * message that fails any check is dead-lettered with the reason and a log line; the consumer goes
 * on with the next.
 */
export class AgentEventConsumer {
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #replays: ReplayGuard;
  readonly #handled = new RecentIds(100_000);
  readonly #failures = new Map<string, number>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #stopConsuming: (() => Promise<void>) | null = null;
  /** Counts for metrics: handled, dropped as already handled (a re-send or a redelivery), dead-lettered. */
  readonly stats = { handled: 0, duplicates: 0, deadLettered: 0 };

  constructor(private readonly options: AgentEventConsumerOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLog;
    this.#replays = options.replays ?? new ReplayCache(options.windowMs ?? 300_000);
  }

  async start(): Promise<void> {
    this.#stopConsuming = await this.options.transport.consumeEvents({ prefetch: this.options.prefetch ?? 64 }, (delivery) => {
      this.#queue = this.#queue.then(() => this.#process(delivery));
    });
  }

  /** Stops consuming; the message being handled finishes, those received but not handled go back to the queue. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#stopConsuming?.();
    await this.#queue;
  }

  async #process(delivery: Delivery): Promise<void> {
    if (this.#closed) {
      delivery.requeue();
      return;
    }
    const { message } = delivery;
    let parsed: ReceivedAgentMessage[];
    try {
      parsed = await this.#open(delivery);
    } catch (error) {
      const reason = error instanceof SignedMessageError ? `${error.problem}: ${error.message}` : `malformed: ${(error as Error).message}`;
      this.#log.warn({ reason, messageId: message.messageId, keyId: message.headers['maestro-accesskey'] }, 'agent message refused; dead-lettered');
      this.stats.deadLettered += 1;
      await delivery.deadLetter(reason);
      return;
    }
    const id = message.messageId ?? parsed[0]!.messageId;
    if (this.#handled.has(id)) {
      this.stats.duplicates += 1;
      delivery.ack();
      return;
    }
    try {
      for (const item of parsed) await this.options.handle(item);
    } catch (error) {
      const attempts = (this.#failures.get(id) ?? 0) + 1;
      if (attempts >= (this.options.maxAttempts ?? 5)) {
        this.#failures.delete(id);
        this.#log.error({ err: error, messageId: id, attempts }, 'an agent message could not be applied; dead-lettered');
        this.stats.deadLettered += 1;
        await delivery.deadLetter(`handler failed ${attempts} times: ${(error as Error).message}`);
        return;
      }
      this.#failures.set(id, attempts);
      this.#log.warn({ err: error, messageId: id, attempts }, 'an agent message could not be applied; trying again');
      await this.#clock.sleep((this.options.retryDelayMs ?? 500) * 2 ** (attempts - 1)).catch(() => undefined);
      delivery.requeue();
      return;
    }
    this.#failures.delete(id);
    this.#handled.add(id);
    this.stats.handled += 1;
    delivery.ack();
  }

  async #open(delivery: Delivery): Promise<ReceivedAgentMessage[]> {
    const { message } = delivery;
    const opened = await openSignedMessage(message.headers, message.body, {
      now: this.#clock.now().getTime(),
      windowMs: this.options.windowMs ?? 300_000,
      lookup: this.options.lookupKey,
      identity: signsAs,
      // The broker marks what it delivers again: that is no replay, and it was remembered already.
      replays: delivery.redelivered ? undefined : this.#replays,
    });
    return parseCalls(opened.plaintext).map((call) => {
      if (!call.ok) throw new Error(`call ${call.id}: ${call.problem}`);
      const schema = Object.hasOwn(agentMessages, call.type) ? agentMessages[call.type as keyof typeof agentMessages] : undefined;
      if (!schema) throw new Error(`call ${call.id}: ${call.type} is not a message agents send`);
      const body = schema.safeParse(call.params);
      if (!body.success) throw new Error(`call ${call.id} (${call.type}): ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if ('agent' in body.data && body.data.agent !== opened.key.agent) {
        throw new Error(`call ${call.id}: signed by agent ${opened.key.agent} but speaks for ${body.data.agent}`);
      }
      return { type: call.type, body: body.data, agent: opened.key.agent, keyId: opened.key.keyId, messageId: message.messageId ?? call.id } as ReceivedAgentMessage;
    });
  }
}
