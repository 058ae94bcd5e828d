import { PATIENCE_MS } from '../support/eventually.js';

/** One server-sent event as a browser's EventSource would dispatch it. */
export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: string;
  json: any;
  /** performance.now() when it was parsed (benchmarks). */
  receivedAt: number;
}

/**
 * A test's EventSource: opens the stream with fetch, parses what arrives by the SSE rules
 * (fields, blank-line dispatch, comments), and lets the test wait for a message — it resolves
 * when one arrives, never by polling.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;
  #waiters: Array<() => void> = [];
  #controller = new AbortController();

  private constructor(
    readonly response: Response,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const client = new SseClient(response);
    client.#controller = controller;
    if (response.ok && response.body) void client.#read(response.body);
    return client;
  }

  get status(): number {
    return this.response.status;
  }

  get lastId(): string | undefined {
    return this.events.findLast((event) => event.id !== undefined)?.id;
  }

  of(kind: string): ReceivedEvent[] {
    return this.events.filter((event) => event.event === kind);
  }

  /** Waits until `check` holds of what arrived so far, re-checked on each arrival. */
  async until<T>(check: (client: SseClient) => T | undefined | null | false, what: string, timeoutMs = PATIENCE_MS): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = check(this);
      if (value) return value;
      if (this.ended) throw new Error(`the stream ended before ${what}; received ${this.describe()}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for an event of this kind matching `match` (already received, or the next to arrive). */
  next(kind: string, match: (event: ReceivedEvent) => boolean = () => true, what = kind): Promise<ReceivedEvent> {
    return this.until((client) => client.of(kind).find(match), what);
  }

  close(): void {
    this.#controller.abort();
  }

  describe(): string {
    return this.events.map((event) => `${event.event}${event.json?.type ? `(${event.json.type})` : ''}`).join(', ') || 'nothing';
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let current: { event: string; id: string | undefined; data: string[] } = { event: 'message', id: undefined, data: [] };
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data.length > 0) {
              const data = current.data.join('\n');
              this.events.push({ event: current.event, id: current.id, data, json: JSON.parse(data), receivedAt: performance.now() });
            }
            current = { event: 'message', id: undefined, data: [] };
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') current.event = value;
            else if (field === 'id') current.id = value;
            else if (field === 'data') current.data.push(value);
            else if (field === 'retry') this.retry = Number(value);
          }
        }
        this.#wake();
      }
    } catch {
      // aborted by close(), or the server dropped the connection
    }
    this.ended = true;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
