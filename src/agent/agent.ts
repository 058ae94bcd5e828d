import { hasChangeFeed, type ChangeFeed } from '../clouds/driver.js';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../domain/clock.js';
import { parseCalls, type CallResult, type ParsedCall } from '../protocol/envelope/calls.js';
import { openSignedMessage, SignedMessageError, type ReplayGuard, type SigningKey } from '../protocol/envelope/signed-message.js';
import { ReplayCache } from '../server/auth/replay-cache.js';
import { version as packageVersion } from '../version.js';
import { KeyedLimiter } from './concurrency.js';
import { Deadlines } from './deadlines.js';
import { failedResult, sealCalls, sealResults, type AgentKey } from './envelope.js';
import { RequestExecutor, type AgentRegion, type Outcome } from './executor.js';
import { silentLog, type Log } from './log.js';
import { agentRequests, type AgentRequest, type RegisterMessage } from './messages.js';
import { OutboxRelay } from './outbox-relay.js';
import { RegionWatch } from './region-watch.js';
import type { AgentStore } from './store/agent-store.js';
import type { AgentTransport, Delivery } from './transport/transport.js';

export type { AgentRegion } from './executor.js';

// A shared abort reason: a DOMException per call (with its stack) costs more than the call's crypto.
const TIME_UP = new Error("the caller's time is up");

export interface AgentOptions {
  /** The agent's name as Maestro knows it (upper case). */
  name: string;
  /** Its key pairs, oldest first: requests signed with any are accepted, it signs with the last. */
  keys: readonly SigningKey[];
  regions: readonly AgentRegion[];
  transport: AgentTransport;
  store: AgentStore;
  clock?: Clock;
  log?: Log;
  version?: string;
  /** Between heartbeats (default 5 s). */
  heartbeatMs?: number;
  /** Between state polls of each region (default 10 s). */
  pollMs?: number;
  /** Between full listings of each region (default 10 min). */
  listingMs?: number;
  /** At most `perKey` calls at once per (tenant, region), `total` in all (default 4 and 32). */
  concurrency?: { perKey: number; total: number };
  /** Signature date window (default ±5 min). */
  windowMs?: number;
  replays?: ReplayGuard;
  /** The time a call may take when the caller did not say (default 30 s). */
  defaultTimeoutMs?: number;
  /** The time an accepted operation may take (default 1 h); the driver's own limits apply inside it. */
  operationTimeoutMs?: number;
}

/**
 * The private agent: serves its regions' request queues (driver calls, credential checks,
 * listings on demand), watches its clouds (state polls, periodic listings) and reports through
 * its outbox. The same class runs as `maestro agent` over RabbitMQ and inside a server with the
 * in-process transport.
 */
export class Agent {
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #regions: Map<string, AgentRegion>;
  readonly #watches = new Map<string, RegionWatch>();
  readonly #keys: Map<string, AgentKey>;
  readonly #signer: AgentKey;
  readonly #limiter: KeyedLimiter;
  readonly #relay: OutboxRelay;
  readonly #executor: RequestExecutor;
  readonly #replays: ReplayGuard;
  readonly #deadlines: Deadlines;
  readonly #stop = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #handling = new Set<Promise<void>>();
  /** Accepted operations still running: stop aborts them and waits for their outcome to be recorded. */
  readonly #accepted = new Set<Promise<Outcome>>();
  readonly #lookup = (keyId: string) => this.#keys.get(keyId);
  readonly #signedByMe = (_key: SigningKey, who: string) => who === this.options.name;
  #started = false;

  constructor(private readonly options: AgentOptions) {
    if (options.keys.length === 0) throw new Error('an agent needs a key pair to sign with');
    this.#clock = options.clock ?? systemClock;
    this.#deadlines = new Deadlines(this.#clock);
    this.#log = options.log ?? silentLog;
    this.#regions = new Map(options.regions.map((region) => [region.name, region]));
    this.#keys = new Map(options.keys.map((key) => [key.keyId, { ...key, agent: options.name }]));
    this.#signer = { ...options.keys[options.keys.length - 1]!, agent: options.name };
    this.#limiter = new KeyedLimiter(options.concurrency ?? { perKey: 4, total: 32 });
    this.#replays = options.replays ?? new ReplayCache(options.windowMs ?? 300_000);
    this.#relay = new OutboxRelay({
      store: options.store,
      transport: options.transport,
      clock: this.#clock,
      log: this.#log,
      seal: (entry) => sealCalls(this.#signer, [{ id: entry.id, type: entry.type, params: entry.body }], { now: this.#clock.now().getTime(), messageId: entry.id }),
    });
    const wake = () => this.#relay.wake();
    this.#executor = new RequestExecutor({
      agent: options.name,
      store: options.store,
      clock: this.#clock,
      wake,
      reconcile: (region) => void this.#watches.get(region)?.list().done.catch(() => undefined),
      stopped: this.#stop.signal,
    });
    for (const region of options.regions) {
      const timeoutMs = options.defaultTimeoutMs ?? 30_000;
      this.#watches.set(region.name, new RegionWatch({ agent: options.name, region, store: options.store, clock: this.#clock, log: this.#log, wake, timeoutMs }));
    }
  }

  get name(): string {
    return this.options.name;
  }

  /** Calls being executed or waiting for a slot. */
  get inFlight(): number {
    return this.#limiter.active + this.#limiter.queued;
  }

  /** Registers, starts sending the outbox, consuming the regions' queues, beating, polling and listing. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { store } = this.options;
    const register: RegisterMessage = {
      agent: this.options.name,
      version: this.options.version ?? packageVersion,
      regions: this.options.regions.map((region) => ({
        name: region.name,
        cloud: region.driver.cloud,
        capabilities: { ...region.driver.capabilities, reservedTagPrefixes: [...region.driver.capabilities.reservedTagPrefixes], optional: [...region.driver.capabilities.optional] },
      })),
      keyId: this.#signer.keyId,
      startedAt: this.#clock.now().toISOString(),
    };
    await store.transaction((tx) => store.enqueue(tx, [{ id: randomUUID(), type: 'REGISTER', persistent: true, body: register }], this.#clock.now()));
    const abandoned = await this.#executor.abandonUnfinished();
    if (abandoned > 0) this.#log.warn({ operations: abandoned }, 'operations of an earlier run never finished; reported as of unknown outcome');
    this.#relay.start();
    const limits = this.#limiter.limits;
    await this.options.transport.consumeRequests([...this.#regions.keys()], { prefetch: Math.max(limits.total * 2, 16) }, (delivery) => {
      const handling = this.#onRequest(delivery).finally(() => this.#handling.delete(handling));
      this.#handling.add(handling);
    });
    this.#every(this.options.heartbeatMs ?? 5000, () => this.#beat());
    // A retry a day later is a new operation: the records of finished ones need not stay longer.
    this.#every(3_600_000, async () => void (await store.pruneOperations(new Date(this.#clock.now().getTime() - 86_400_000))));
    for (const watch of this.#watches.values()) {
      this.#every(this.options.pollMs ?? 10_000, () => watch.poll().then(() => undefined));
      this.#loops.push(this.#listEvery(watch, this.options.listingMs ?? 600_000));
    }
    for (const region of this.#regions.values()) {
      if (hasChangeFeed(region.driver)) this.#loops.push(this.#followChanges(region, region.driver, this.#watches.get(region.name)!));
    }
    this.#log.info({ regions: [...this.#regions.keys()] }, 'agent started');
  }

  /** Polls one region (or all) now. */
  async pollNow(region?: string): Promise<void> {
    for (const [name, watch] of this.#watches) if (!region || name === region) await watch.poll();
  }

  /** Lists one region now; resolves once its pages are in the outbox. */
  async listNow(region: string): Promise<string> {
    const watch = this.#watches.get(region);
    if (!watch) throw new Error(`this agent does not serve region ${region}`);
    const { listingId, done } = watch.list();
    await done;
    return listingId;
  }

  /** Resolves once everything written to the outbox so far was confirmed by the broker. */
  outboxDrained(): Promise<void> {
    return this.#relay.drained();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#loops, ...this.#handling, ...this.#accepted]);
    this.#deadlines.close();
    await this.#relay.stop();
  }

  #every(ms: number, work: () => Promise<void>): void {
    this.#loops.push(
      (async () => {
        while (!this.#stop.signal.aborted) {
          try {
            await this.#clock.sleep(ms, this.#stop.signal);
          } catch {
            return;
          }
          await work().catch((error: unknown) => this.#log.warn({ err: error }, 'periodic agent work failed'));
        }
      })(),
    );
  }

  /**
   * Polls a region as soon as its cloud says something changed, instead of at the next poll: a
   * word during a poll makes one more after it, so no change waits for the timer.
   */
  async #followChanges(region: AgentRegion, feed: ChangeFeed, watch: RegionWatch): Promise<void> {
    let again = false;
    let polling: Promise<void> | null = null;
    const pollSoon = () => {
      if (polling) {
        again = true;
        return;
      }
      polling = (async () => {
        do {
          again = false;
          await watch.poll().catch((error: unknown) => this.#log.warn({ err: error, region: region.name }, 'polling after a change failed'));
        } while (again && !this.#stop.signal.aborted);
      })().finally(() => (polling = null));
    };
    await feed
      .followChanges({ name: region.name, nativeName: region.nativeName }, pollSoon, this.#stop.signal)
      .catch((error: unknown) => this.#log.warn({ err: error, region: region.name }, 'following the cloud\'s changes stopped; polling goes on'));
  }

  async #listEvery(watch: RegionWatch, ms: number): Promise<void> {
    // A restart does not list again if the last listing is recent: the checkpoint says when it was.
    const last = await watch.lastListing().catch(() => null);
    let wait = last ? Math.max(0, last.getTime() + ms - this.#clock.now().getTime()) : 0;
    while (!this.#stop.signal.aborted) {
      try {
        if (wait > 0) await this.#clock.sleep(wait, this.#stop.signal);
      } catch {
        return;
      }
      await watch.list().done.catch((error: unknown) => this.#log.warn({ err: error }, 'listing failed'));
      wait = ms;
    }
  }

  async #beat(): Promise<void> {
    if (!this.options.transport.connected) return;
    const body = {
      agent: this.options.name,
      regions: [...this.#regions.keys()],
      inFlight: this.inFlight,
      outbox: await this.options.store.outboxSize(),
      at: this.#clock.now().toISOString(),
    };
    const id = randomUUID();
    // Not through the outbox: a heartbeat that cannot go now is worth nothing later.
    await this.options.transport.publishEvent(sealCalls(this.#signer, [{ id, type: 'HEARTBEAT', params: body }], { now: this.#clock.now().getTime(), messageId: id }), {
      persistent: false,
    });
  }

  async #onRequest(delivery: Delivery): Promise<void> {
    const { message } = delivery;
    const received = this.#clock.now().getTime();
    let calls: ParsedCall[];
    try {
      const opened = await openSignedMessage(message.headers, message.body, {
        now: received,
        windowMs: this.options.windowMs ?? 300_000,
        lookup: this.#lookup,
        identity: this.#signedByMe,
        replays: delivery.redelivered ? undefined : this.#replays,
      });
      calls = parseCalls(opened.plaintext);
    } catch (error) {
      const reason = error instanceof SignedMessageError ? `${error.problem}: ${error.message}` : `malformed: ${(error as Error).message}`;
      this.#log.warn({ reason, messageId: message.messageId, keyId: message.headers['maestro-accesskey'] }, 'request refused; dead-lettered');
      await delivery.deadLetter(reason);
      return;
    }
    // Each answer goes as soon as its call is done; answers done in the same turn travel together,
    // so a slow call in a batch never holds back the fast ones.
    const replyTo = message.replyTo;
    const ready: CallResult[] = [];
    let left = calls.length;
    let scheduled = false;
    const send = () => {
      scheduled = false;
      if (replyTo && ready.length > 0) {
        this.options.transport.reply(replyTo, sealResults(this.#signer, ready.splice(0), { now: this.#clock.now().getTime(), correlationId: message.correlationId }));
      }
    };
    const answers = await Promise.all(
      calls.map(async (call) => {
        const answer = await this.#execute(call, received);
        ready.push(answer.result);
        left -= 1;
        if (left === 0) send();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(send);
        }
        return answer;
      }),
    );
    const malformed = answers.find((answer) => answer.malformed)?.malformed;
    if (malformed) {
      this.#log.warn({ reason: malformed, messageId: message.messageId }, 'request with a malformed call; answered and dead-lettered');
      await delivery.deadLetter(`malformed: ${malformed}`);
    } else {
      delivery.ack();
    }
  }

  async #execute(call: ParsedCall, received: number): Promise<{ result: CallResult; malformed?: string }> {
    const invalid = (problem: string) => ({ result: failedResult(call.id, { reason: 'invalid', message: problem, retryable: false }), malformed: problem });
    if (!call.ok) return invalid(call.problem);
    const request = parseRequest(call.type, call.params);
    if (typeof request === 'string') return invalid(request);
    const params = request.params;
    const region = this.#regions.get(params.region);
    if (!region) {
      return { result: failedResult(call.id, { reason: 'not_found', message: `agent ${this.options.name} does not serve region ${params.region}`, retryable: false }) };
    }
    const budget = call.customTimeoutMillis ?? this.options.defaultTimeoutMs ?? 30_000;
    const tenant = request.type === 'DRIVER_CALL' ? request.params.tenant : null;
    const slot = `${tenant ?? '-'}|${region.name}`;
    const run = async (signal: AbortSignal): Promise<Outcome> => {
      if (request.type === 'DRIVER_CALL') return this.#executor.driverCall(region, request.params, signal);
      if (request.type === 'VALIDATE_REGION') return this.#executor.validate(region, signal);
      const { listingId, done } = this.#watches.get(region.name)!.list();
      done.catch(() => undefined);
      return { ok: true, result: { region: region.name, listingId } };
    };
    // An accepted operation is answered once recorded; its work takes a slot later, in the background.
    const outcome =
      request.type === 'DRIVER_CALL' && request.params.accept
        ? await this.#executor.accept(region, request.params, (work) => this.#background(slot, work))
        : await this.#limiter.run(slot, () => this.#bounded(received + budget, run));
    const result: CallResult = outcome.ok
      ? { id: call.id, status: 'SUCCESS', data: JSON.stringify(outcome.result), error: null, readableError: null, statusCode: 200 }
      : failedResult(call.id, outcome.failure);
    return { result };
  }

  /**
   * Runs an accepted operation in its tenant's and region's slot, as any call, bounded by the
   * operation time limit instead of a caller's; the agent's stop aborts it.
   */
  #background(slot: string, work: (signal: AbortSignal) => Promise<Outcome>): Promise<Outcome> {
    const limitMs = this.options.operationTimeoutMs ?? 3_600_000;
    const run = this.#limiter.run(slot, () => this.#bounded(this.#clock.now().getTime() + limitMs, (signal) => work(AbortSignal.any([signal, this.#stop.signal]))));
    this.#accepted.add(run);
    void run.finally(() => this.#accepted.delete(run)).catch(() => undefined);
    return run;
  }

  /** Runs `work` with a signal that aborts at `deadline`; past it already, the work is not started. */
  async #bounded(deadline: number, work: (signal: AbortSignal) => Promise<Outcome>): Promise<Outcome> {
    const left = deadline - this.#clock.now().getTime();
    if (left <= 0) {
      return { ok: false, failure: { reason: 'timeout', message: 'the request waited for a free slot longer than its caller allows; it was not run', retryable: true } };
    }
    const abort = new AbortController();
    const timer = this.#deadlines.add(deadline, () => abort.abort(TIME_UP));
    try {
      return await work(abort.signal);
    } finally {
      this.#deadlines.cancel(timer);
    }
  }
}

/** A call's parameters checked against its request type's schema, or what is wrong with them. */
function parseRequest(type: string, params: unknown): AgentRequest | string {
  if (!Object.hasOwn(agentRequests, type)) return `${type} is not a request an agent serves (${Object.keys(agentRequests).join(', ')})`;
  const parsed = agentRequests[type as AgentRequest['type']].safeParse(params);
  if (!parsed.success) return `${type}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  return { type, params: parsed.data } as AgentRequest;
}
