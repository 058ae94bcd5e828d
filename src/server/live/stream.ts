import type { Actor } from '../actor.js';
import type { Validity } from './identity.js';
import type { EventView } from './event-view.js';
import { sees } from './event-view.js';
import type { LiveEvent, LiveNotification } from './feed.js';
import { formatPosition, type StreamPosition } from './position.js';
import type { SseWriter } from './sse.js';

/** What one read of the log gave this node: every event and notification in a range, for every stream to filter. */
export interface LiveBatch {
  events: readonly LiveEvent[];
  /** The event-log sequence the batch is complete up to. */
  eventsUpTo: number;
  notifications: readonly LiveNotification[];
  /** The notifications checkpoint the batch is complete up to. */
  notificationsUpTo: number;
}

/**
 * One browser's stream. Batches that arrive while it is still replaying what the browser missed
 * wait in a queue; once the replay is sent they follow, minus what the replay already covered,
 * so the switch from replay to live neither loses nor repeats an event.
 */
export class LiveStream {
  #live = false;
  #queue: LiveBatch[] = [];

  constructor(
    readonly actor: Actor,
    public view: EventView,
    readonly writer: SseWriter,
    readonly position: StreamPosition,
    /** Whether what opened the stream (a console session) still holds; absent when nothing can end it but the connection. */
    readonly stillValid?: () => Promise<Validity>,
  ) {}

  /** When the session must be asked again at the latest (the node's clock, ms); null: only when an event names the user. */
  validUntil: number | null = null;

  get closed(): boolean {
    return this.writer.closed;
  }

  deliver(batch: LiveBatch): void {
    if (this.#live) this.#send(batch);
    else this.#queue.push(batch);
  }

  /** After the replay: sends what queued meanwhile and goes live. */
  goLive(): void {
    for (const batch of this.#queue) this.#send(batch);
    this.#queue = [];
    this.#live = true;
  }

  sendEvent(event: LiveEvent): void {
    if (event.seq <= this.position.events) return;
    this.position.events = event.seq;
    if (sees(this.view, event)) this.writer.send({ event: 'cadf', id: formatPosition(this.position), data: event.view });
  }

  sendNotification(notification: LiveNotification): void {
    // One notification per event and user (one trigger per event type), so a sequence is a position.
    if (notification.seq <= this.position.notifications || notification.userId !== this.actor.userId) return;
    this.position.notifications = notification.seq;
    this.writer.send({ event: 'notification', id: formatPosition(this.position), data: notification.view });
  }

  #send(batch: LiveBatch): void {
    for (const event of batch.events) this.sendEvent(event);
    this.position.events = Math.max(this.position.events, batch.eventsUpTo);
    for (const notification of batch.notifications) this.sendNotification(notification);
    this.position.notifications = Math.max(this.position.notifications, batch.notificationsUpTo);
  }
}
