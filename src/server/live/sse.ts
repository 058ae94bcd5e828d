import type { ServerResponse } from 'node:http';

/** What a live stream sends: one server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseMessage {
  event: string;
  id?: string;
  /** Serialised as one line of JSON: `data:` lines never need splitting. */
  data: unknown;
}

export const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Proxies (nginx) would otherwise hold events back until a buffer fills.
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

export function frame(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `event: ${message.event}\n${id}data: ${JSON.stringify(message.data)}\n\n`;
}

/**
 * The writing end of one stream. It never waits for a slow reader: what the socket has not
 * taken yet stays in Node's buffer, and once that passes `maxBufferedBytes` the connection is
 * dropped (the browser reconnects and resumes from its last id) rather than letting one client
 * hold the node's memory.
 */
export class SseWriter {
  #closed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  get closed(): boolean {
    return this.#closed || this.response.destroyed;
  }

  open(retryMs: number): void {
    this.response.writeHead(200, sseHeaders);
    this.#write(`retry: ${retryMs}\n\n`);
  }

  send(message: SseMessage): void {
    this.#write(frame(message));
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.response.end();
  }

  #write(text: string): void {
    if (this.closed) return;
    this.response.write(text);
    if (this.response.writableLength > this.maxBufferedBytes) {
      this.#closed = true;
      this.response.destroy();
      this.onOverflow();
    }
  }
}
