import type { ServerResponse } from 'node:http';
import type { Gauge } from 'prom-client';
import { targetTypes } from '../../protocol/cadf.js';
import type { Clock } from '../../domain/clock.js';
import type { Database } from '../../store/database.js';
import type { Actor } from '../actor.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';
import { eventViewOf, movesViews, type EventViewDeps } from './event-view.js';
import { eventLogHead, eventsAfter, notificationsBetween, notificationsCheckpoint, type LiveEvent, type LiveNotification } from './feed.js';
import type { LiveOptions } from './options.js';
import type { StreamPosition } from './position.js';
import { catchUp } from './replay.js';
import { SseWriter } from './sse.js';
import type { Validity } from './identity.js';
import { LiveStream, type LiveBatch } from './stream.js';

/** Nodes sharing a PostgreSQL tell each other here that notifications were stored (events have their own channel). */
export const LIVE_NOTIFY_CHANNEL = 'maestro_live';

const PAGE = 500;

/** The users whose sessions these events may have ended: log-outs, and changes to users. */
function usersTouched(events: readonly LiveEvent[]): Set<string> {
  const users = new Set<string>();
  for (const event of events) {
    if (event.type === 'login.loggedOut' || (event.type.startsWith('user.') && event.view.target.typeURI === targetTypes.user)) users.add(event.view.target.id);
  }
  return users;
}

export interface LiveHubDeps extends EventViewDeps {
  db: Database;
  /** The clock sessions' deadlines are kept in. */
  clock: Clock;
  logger: Logger;
  /** Whether commits of these event types can change permissions (AccessStore.affectedBy). */
  accessAffected(types: readonly string[]): boolean;
  openStreams?: Gauge;
  options: LiveOptions;
}

/**
 * The live streams of one node. However many browsers are connected, the node reads the log once
 * per wake-up (a commit here, a NOTIFY from another node, a keepalive tick as a safety net) and
 * hands the same batch to every stream, which keeps what its user may see. Nothing here polls
 * per browser.
 */
export class LiveHub {
  readonly #streams = new Set<LiveStream>();
  readonly #runner: CoalescingRunner;
  #eventsUpTo = 0;
  #notificationsUpTo = 0;
  /** This node's relay may have stored notifications: tell the other nodes once they are read. */
  #announce = false;
  #stopTicker: (() => void) | null = null;
  #unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly deps: LiveHubDeps) {
    // The runner's own timer is a last resort only; the keepalive tick wakes it sooner.
    this.#runner = new CoalescingRunner(() => this.#drain(), 60_000, (error) => deps.logger.error({ err: error }, 'reading the log for live streams failed'));
  }

  hasRoom(): boolean {
    return this.#streams.size < this.deps.options.maxStreams;
  }

  async start(): Promise<void> {
    const { db } = this.deps;
    this.#eventsUpTo = await eventLogHead(db);
    this.#notificationsUpTo = await notificationsCheckpoint(db);
    if (db.kind === 'postgres') {
      // A gap (the listening connection was lost) may have hidden a signal: read anyway.
      this.#unlisten = await db.listen(LIVE_NOTIFY_CHANNEL, () => this.wake(), () => this.wake());
    }
    this.#stopTicker = this.deps.options.ticker.every(this.deps.options.keepaliveMs, () => this.#keepalive());
    this.#runner.start();
  }

  /** Events were committed (here or, through NOTIFY, on another node). */
  committed(): void {
    this.wake();
  }

  /** This node's outbox relay went through what was committed: notifications may have been stored. */
  notificationsMayHaveMoved(): void {
    this.#announce = true;
    this.wake();
  }

  wake(): void {
    this.#runner.wake();
  }

  /**
   * Opens a stream on a response whose headers were not sent yet. The caller checked `hasRoom`
   * just before, with nothing awaited in between: the stream takes its slot before the first
   * await here. The response's close (the browser went away) frees the slot at once.
   */
  async open(actor: Actor, response: ServerResponse, resumeFrom: StreamPosition | null, stillValid?: () => Promise<Validity>): Promise<void> {
    const { options } = this.deps;
    const nothing = { all: false, tenantIds: new Set<string>(), customerId: null };
    let stream: LiveStream | null = null;
    const writer = new SseWriter(response, options.maxBufferedBytes, () => {
      this.deps.logger.info({ user: actor.name }, 'a live stream fell behind and was dropped; its browser reconnects and resumes');
      if (stream) this.#remove(stream);
    });
    // Batches queue unfiltered until the catch-up is sent, so the view can be decided after registering.
    stream = new LiveStream(actor, nothing, writer, { events: 0, notifications: 0 }, stillValid);
    this.#streams.add(stream);
    this.deps.openStreams?.inc();
    const opened = stream;
    // Not the request's 'close': that fires once a GET's empty body is read.
    response.once('close', () => this.#remove(opened));
    writer.open(options.retryMs);
    try {
      if (stillValid && !(await this.#recheck(stream))) return;
      stream.view = await eventViewOf(this.deps, actor);
      await catchUp(this.deps.db, stream, resumeFrom, options.maxReplay);
    } catch (error) {
      this.deps.logger.error({ err: error, user: actor.name }, 'a live stream could not catch up; closed, its browser retries');
      writer.close();
      this.#remove(stream);
    }
  }

  /** Ends every stream (their browsers reconnect to another node); closing twice does nothing more. */
  async close(): Promise<void> {
    this.#stopTicker?.();
    this.#stopTicker = null;
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    await unlisten?.().catch(() => undefined);
    await this.#runner.stop();
    for (const stream of [...this.#streams]) {
      stream.writer.close();
      this.#remove(stream);
    }
  }

  #remove(stream: LiveStream): void {
    if (this.#streams.delete(stream)) this.deps.openStreams?.dec();
  }

  #keepalive(): void {
    const now = this.deps.clock.now().getTime();
    for (const stream of this.#streams) {
      stream.writer.comment('keepalive');
      // Only sessions whose deadline passed are asked (their user may have used them since): no query per stream per tick.
      if (stream.validUntil !== null && stream.validUntil <= now) {
        this.#recheck(stream).catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not check the session of a live stream'));
      }
    }
    this.wake();
  }

  /** Asks whether the stream's session still holds; ends the stream when it does not. */
  async #recheck(stream: LiveStream): Promise<boolean> {
    if (!stream.stillValid) return true;
    const validity = await stream.stillValid();
    stream.validUntil = validity.until;
    if (validity.valid) return true;
    stream.writer.close();
    this.#remove(stream);
    return false;
  }

  async #drain(): Promise<void> {
    const { db } = this.deps;
    const announce = this.#announce;
    this.#announce = false;
    if (this.#streams.size === 0) {
      // Nobody listens here: move to the ends without reading what lies between. A stream that
      // registers meanwhile reads its own ends after registering, which are at least these.
      const head = await eventLogHead(db);
      const checkpoint = await notificationsCheckpoint(db);
      if (this.#streams.size === 0) {
        if (announce && checkpoint > this.#notificationsUpTo) await this.#announceStored(checkpoint);
        this.#eventsUpTo = Math.max(this.#eventsUpTo, head);
        this.#notificationsUpTo = Math.max(this.#notificationsUpTo, checkpoint);
        return;
      }
    }
    // Positions move only once the batch is handed out: a read that fails is read again next time.
    let eventsUpTo = this.#eventsUpTo;
    let notificationsUpTo = this.#notificationsUpTo;
    const events: LiveEvent[] = [];
    for (;;) {
      const page = await eventsAfter(db, eventsUpTo, PAGE);
      events.push(...page);
      if (page.length > 0) eventsUpTo = page.at(-1)!.seq;
      if (page.length < PAGE) break;
    }
    const notifications: LiveNotification[] = [];
    const checkpoint = await notificationsCheckpoint(db);
    if (announce && checkpoint > notificationsUpTo) await this.#announceStored(checkpoint);
    while (checkpoint > notificationsUpTo) {
      const page = await notificationsBetween(db, { afterSeq: notificationsUpTo, upToSeq: checkpoint, limit: PAGE });
      notifications.push(...page.items);
      notificationsUpTo = page.complete ? checkpoint : page.lastSeq!;
    }
    await this.#endSessionsOf(usersTouched(events));
    // Read from the batch itself, not the signal: a batch found by the keepalive tick counts too.
    if (movesViews(events.map((event) => event.type), this.deps.accessAffected)) {
      for (const stream of this.#streams) stream.view = await eventViewOf(this.deps, stream.actor);
    }
    const batch: LiveBatch = { events, eventsUpTo, notifications, notificationsUpTo };
    for (const stream of this.#streams) stream.deliver(batch);
    this.#eventsUpTo = eventsUpTo;
    this.#notificationsUpTo = notificationsUpTo;
  }

  /**
   * A log-out, or a change to a user (disabled, password set …), can end the session a stream
   * was opened with: those users' streams ask again, and end if it no longer holds. Only the
   * users named: no stream is re-checked for anyone else's events.
   */
  async #endSessionsOf(userIds: ReadonlySet<string>): Promise<void> {
    if (userIds.size === 0) return;
    for (const stream of [...this.#streams]) {
      if (stream.stillValid && stream.actor.userId && userIds.has(stream.actor.userId)) await this.#recheck(stream);
    }
  }

  /** Other nodes learn of stored notifications from the node whose relay stored them. */
  async #announceStored(checkpoint: number): Promise<void> {
    if (this.deps.db.kind === 'postgres') await this.deps.db.query('SELECT pg_notify($1, $2)', [LIVE_NOTIFY_CHANNEL, String(checkpoint)]);
  }
}
