/**
 * Where a live stream stands, sent as each message's SSE `id:` so a browser that reconnects
 * (Last-Event-ID) resumes exactly there. Two counters, because the two kinds are committed at
 * different moments: `events` is the last event-log sequence sent; `notifications` is how far
 * the notifications consumer had gone (its checkpoint, an event sequence) when this stream last
 * read notifications, so every notification of an event at or below it was already sent.
 */
export interface StreamPosition {
  events: number;
  notifications: number;
}

const pattern = /^(\d{1,15})\.(\d{1,15})$/;

export const formatPosition = (position: StreamPosition): string => `${position.events}.${position.notifications}`;

/** The position a browser sent back, or null when it is no position this server gives (then the stream resets). */
export function parsePosition(text: string | undefined): StreamPosition | null {
  const match = text === undefined ? null : pattern.exec(text.trim());
  if (!match) return null;
  return { events: Number(match[1]), notifications: Number(match[2]) };
}
