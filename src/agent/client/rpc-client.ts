import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../domain/clock.js';
import { openSignedMessage, SignedMessageError } from '../../protocol/envelope/signed-message.js';
import { driverMethods, type DriverMethod, type DriverMethodResult } from '../driver-methods.js';
import { acceptedResult, callFailure, resendResult, validateRegionResult, type AgentRequest } from '../messages.js';
import { MAX_CALLS, type CallResult } from '../../protocol/envelope/calls.js';
import { parseResults, sealCalls, signsAs, type AgentKey, type OutgoingCall } from '../envelope.js';
import { Deadlines, type Deadline } from '../deadlines.js';
import { silentLog, type Log } from '../log.js';
import type { Delivery, ServerTransport } from '../transport/transport.js';
import { AgentCallFailedError, AgentCallTimeoutError, AgentConnectionLostError, AgentUnavailableError } from './errors.js';

export interface AgentRpcClientOptions {
  transport: ServerTransport;
  /**
   * The key to sign a region's requests with: a key of the agent serving it, the one it said it
   * signs with (REGISTER's keyId), so the agent knows it. Null when no agent serves the region.
   */
  signingKey(region: string): AgentKey | null | undefined | Promise<AgentKey | null | undefined>;
  /** Every key an answer may be signed with (all current keys of all agents, rotation included). */
  lookupKey(keyId: string): AgentKey | null | undefined | Promise<AgentKey | null | undefined>;
  clock?: Clock;
  log?: Log;
  /** The date window of signatures (default ±5 min). */
  windowMs?: number;
  defaultTimeoutMs?: number;
  /** How long a region's "some agent consumes it" stays believed (default 1 s). */
  consumerCheckMs?: number;
}

interface Pending {
  region: string;
  agent: string;
  deadline: Deadline;
  resolve(data: unknown): void;
  reject(error: Error): void;
}

/**
 * Requests to private agents, from a server node: signs and seals the call with the agent's key,
 * sends it to the region's queue with this node's reply queue and a correlation id, and waits
 * for the sealed answer, at most `timeoutMs` (the request carries the same expiration, so one
 * nobody took in time is never executed late).
 */
export class AgentRpcClient {
  readonly #pending = new Map<string, Pending>();
  readonly #consumers = new Map<string, { count: number; at: number }>();
  readonly #batches = new Map<string, { region: string; key: AgentKey; calls: Array<OutgoingCall & { id: string; timeoutMs: number }> }>();
  readonly #clock: Clock;
  readonly #deadlines: Deadlines;
  readonly #log: Log;
  readonly #windowMs: number;
  #stopListening: (() => void) | null = null;

  constructor(private readonly options: AgentRpcClientOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#deadlines = new Deadlines(this.#clock);
    this.#log = options.log ?? silentLog;
    this.#windowMs = options.windowMs ?? 300_000;
  }

  /** Starts receiving answers. */
  async start(): Promise<void> {
    this.#stopListening = this.options.transport.onConnectionChange((connected) => {
      if (connected) return;
      this.#consumers.clear();
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        this.#deadlines.cancel(pending.deadline);
        pending.reject(new AgentConnectionLostError(pending.region));
      }
    });
    await this.options.transport.consumeReplies((delivery) => void this.#onReply(delivery));
  }

  /** Calls in flight. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** Sends one request and returns the result the agent answered (JSON), or throws an AgentCallError. */
  async call(region: string, request: AgentRequest, options: { timeoutMs?: number } = {}): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs ?? 30_000;
    const transport = this.options.transport;
    const replyTo = transport.replyAddress();
    if (!transport.connected || !replyTo) throw new AgentUnavailableError(region, 'not connected to the message broker; agents cannot be reached now');
    const now = this.#clock.now().getTime();
    // Both are usually known at once: no turn of the event loop is spent waiting for them then.
    const checked = this.#ensureConsumer(region, now);
    if (checked) await checked;
    const found = this.options.signingKey(region);
    const key = found instanceof Promise ? await found : found;
    if (!key) throw new AgentUnavailableError(region, `no agent key is known for region ${region}: it is served by no agent`);

    const id = randomUUID();
    const expire = () => this.#settle(id, (pending) => pending.reject(new AgentCallTimeoutError(region, timeoutMs)));
    const deadline = this.#deadlines.add(now + timeoutMs, expire);
    const answered = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { region, agent: key.agent, deadline, resolve, reject });
    });
    this.#enqueue(region, key, { id, type: request.type, params: request.params, timeoutMs });
    return answered;
  }

  /**
   * Calls to one region made in the same turn of the event loop travel as one message (up to the
   * envelope's 20 calls): one seal, one signature and one broker message for all of them, which
   * is what lets many outstanding calls go fast. A single call goes alone, at once.
   */
  #enqueue(region: string, key: AgentKey, call: OutgoingCall & { id: string; timeoutMs: number }): void {
    const batchId = `${region}\n${key.keyId}`;
    let batch = this.#batches.get(batchId);
    if (!batch) {
      batch = { region, key, calls: [] };
      this.#batches.set(batchId, batch);
      queueMicrotask(() => this.#flush(batchId));
    }
    batch.calls.push(call);
    if (batch.calls.length >= MAX_CALLS) this.#flush(batchId);
  }

  #flush(batchId: string): void {
    const batch = this.#batches.get(batchId);
    if (!batch) return;
    this.#batches.delete(batchId);
    const { region, key, calls } = batch;
    const fail = (error: Error) => {
      for (const call of calls) this.#settle(call.id, (pending) => pending.reject(error));
    };
    const replyTo = this.options.transport.replyAddress();
    if (!replyTo) return fail(new AgentConnectionLostError(region));
    const messageId = randomUUID();
    const message = sealCalls(key, calls, { now: this.#clock.now().getTime(), messageId, correlationId: messageId, replyTo });
    // The message lives as long as its most patient call; each call keeps its own timer here.
    const expirationMs = Math.max(...calls.map((call) => call.timeoutMs));
    const unroutable = () => {
      this.#consumers.delete(region);
      fail(new AgentUnavailableError(region, `no queue takes requests for region ${region}: no agent ever served it`));
    };
    this.options.transport
      .sendRequest(region, message, { expirationMs, onUnroutable: unroutable })
      .catch((error: Error) => fail(new AgentUnavailableError(region, `the request could not be sent: ${error.message}`)));
  }

  /** A driver method run by the agent serving `region`; the result parsed with the method's schema. */
  async callDriver<M extends DriverMethod>(
    region: string,
    call: { method: M; args: unknown[]; tenant: string | null; operationId: string },
    options: { timeoutMs?: number } = {},
  ): Promise<DriverMethodResult<M>> {
    const data = await this.call(region, { type: 'DRIVER_CALL', params: { region, ...call } }, options);
    const parsed = driverMethods[call.method].result.safeParse(data);
    if (!parsed.success) {
      throw new AgentCallFailedError(region, { reason: 'api', message: `the agent answered ${call.method} with a malformed result`, retryable: false });
    }
    return parsed.data as DriverMethodResult<M>;
  }

  /**
   * Has the agent record a changing driver call and answer at once; the call runs there and its
   * outcome arrives as an `operation.done` event with the same operation id.
   */
  async acceptDriverCall(
    region: string,
    call: { method: DriverMethod; args: unknown[]; tenant: string | null; operationId: string },
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const data = await this.call(region, { type: 'DRIVER_CALL', params: { region, ...call, accept: true } }, options);
    const parsed = acceptedResult.safeParse(data);
    if (!parsed.success || parsed.data.operationId !== call.operationId) {
      throw new AgentCallFailedError(region, { reason: 'api', message: `the agent answered the accepted ${call.method} with a malformed result`, retryable: false });
    }
  }

  /** Has the agent check the region's credentials against the cloud. */
  async validateRegion(region: string, options: { timeoutMs?: number } = {}) {
    return validateRegionResult.parse(await this.call(region, { type: 'VALIDATE_REGION', params: { region } }, options));
  }

  /** Asks for a full listing of the region now (it arrives as LISTING_PAGE events). */
  async resend(region: string, options: { timeoutMs?: number } = {}) {
    return resendResult.parse(await this.call(region, { type: 'RESEND', params: { region } }, options));
  }

  async close(): Promise<void> {
    this.#stopListening?.();
    this.#deadlines.close();
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(new AgentUnavailableError(pending.region, 'the agent client was closed'));
    }
  }

  #settle(id: string, action: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#deadlines.cancel(pending.deadline);
    action(pending);
  }

  /** Nothing when an agent was seen consuming the region's queue lately; else the look at it. */
  #ensureConsumer(region: string, now: number): Promise<void> | undefined {
    const known = this.#consumers.get(region);
    if (known && known.count > 0 && now - known.at < (this.options.consumerCheckMs ?? 1000)) return undefined;
    return this.#lookForConsumer(region, now);
  }

  async #lookForConsumer(region: string, now: number): Promise<void> {
    let count: number;
    try {
      count = await this.options.transport.regionConsumers(region);
    } catch (error) {
      throw new AgentUnavailableError(region, `cannot look at region ${region}'s queue: ${(error as Error).message}`);
    }
    this.#consumers.set(region, { count, at: now });
    if (count === 0) throw new AgentUnavailableError(region, `no agent is connected for region ${region} (nobody consumes its queue)`);
  }

  async #onReply(delivery: Delivery): Promise<void> {
    const { message } = delivery;
    let results: CallResult[];
    let agent: string;
    try {
      const opened = await openSignedMessage(message.headers, message.body, {
        now: this.#clock.now().getTime(),
        windowMs: this.#windowMs,
        lookup: this.options.lookupKey,
        identity: signsAs,
      });
      agent = opened.key.agent;
      results = parseResults(opened.plaintext);
    } catch (error) {
      // A forged or broken answer: kept aside; the callers go on waiting for the real one.
      const reason = error instanceof SignedMessageError ? `${error.problem}: ${error.message}` : `malformed: ${(error as Error).message}`;
      this.#log.warn({ reason, correlationId: message.correlationId }, 'agent answer refused; dead-lettered');
      await delivery.deadLetter(reason);
      return;
    }
    for (const result of results) {
      const pending = this.#pending.get(result.id);
      // Nobody waits (the caller gave up), or the answer comes from another agent than the one asked.
      if (!pending || pending.agent !== agent) {
        this.#log.debug({ callId: result.id, agent }, 'an agent answer nobody waits for');
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(result.data);
      } catch {
        data = undefined;
      }
      if (result.status === 'SUCCESS') {
        this.#settle(result.id, (p) => p.resolve(data));
        continue;
      }
      const failure = callFailure.safeParse(data);
      const reason = failure.success ? failure.data : { reason: 'api' as const, message: result.readableError ?? 'the agent call failed', retryable: false };
      this.#settle(result.id, (p) => p.reject(new AgentCallFailedError(p.region, reason)));
    }
  }
}
