import type { Queryable } from '../../store/database.js';
import { auditEvents } from '../queries/audit-events.js';
import { encodeCursor } from '../queries/paging.js';
import { auditFilterOf } from './event-view.js';
import { eventLogHead, notificationsBetween, notificationsCheckpoint } from './feed.js';
import { formatPosition, type StreamPosition } from './position.js';
import type { LiveStream } from './stream.js';

/**
 * Brings a new stream up to now: what the browser missed since the position it sent back, or,
 * when it sent none it can resume from, a start from the current end of the log. More than
 * `maxReplay` missed events or notifications, or a position this database never gave, answers
 * `event: reset`: the page reads everything again instead of receiving a flood.
 *
 * The stream is already registered with the hub (its live batches queue meanwhile), and the ends
 * are read after that, so together the replay and the queued batches cover every event once.
 */
export async function catchUp(db: Queryable, stream: LiveStream, resumeFrom: StreamPosition | null, maxReplay: number): Promise<void> {
  const head = await eventLogHead(db);
  const checkpoint = await notificationsCheckpoint(db);
  const reset = (reason: string) => {
    stream.position.events = head;
    stream.position.notifications = checkpoint;
    stream.writer.send({ event: 'reset', id: formatPosition(stream.position), data: { reason } });
  };
  if (resumeFrom === null) {
    stream.position.events = head;
    stream.position.notifications = checkpoint;
  } else if (resumeFrom.events > head || resumeFrom.notifications > checkpoint) {
    reset('unknown position: this server never gave it; read everything again');
  } else {
    const events = await auditEvents(db, { ...auditFilterOf(stream.view), limit: maxReplay, cursor: encodeCursor(String(resumeFrom.events)) });
    const userId = stream.actor.userId;
    const notifications = userId
      ? await notificationsBetween(db, { afterSeq: resumeFrom.notifications, upToSeq: checkpoint, limit: maxReplay + 1, userId })
      : { items: [], lastSeq: null };
    if (events.nextCursor !== null || notifications.items.length > maxReplay) {
      reset(`more than ${maxReplay} updates were missed; read everything again`);
    } else {
      stream.position.events = resumeFrom.events;
      stream.position.notifications = resumeFrom.notifications;
      for (const view of events.items) {
        stream.position.events = view.seq;
        stream.writer.send({ event: 'cadf', id: formatPosition(stream.position), data: view });
      }
      // The replay read at least up to the head read before it: events up to there were all considered.
      stream.position.events = Math.max(stream.position.events, head);
      for (const notification of notifications.items) stream.sendNotification(notification);
      stream.position.notifications = checkpoint;
    }
  }
  stream.goLive();
  stream.writer.send({ event: 'ready', id: formatPosition(stream.position), data: { resumed: resumeFrom !== null } });
}
