import { Injectable, inject, signal } from '@angular/core';
import { Subject } from 'rxjs';
import { SessionService } from './session.service';
import { isRecord } from './rpc-error';

export type LiveState = 'live' | 'reconnecting' | 'offline';

/** An audit event as events.describe answers it; the fields pages match on. */
export interface LiveAuditEvent {
  seq?: number;
  id: string;
  type: string;
  action?: string;
  outcome?: string;
  target?: { id: string; typeURI?: string; name?: string };
  tenant?: string | null;
  [key: string]: unknown;
}

export interface LiveNotification {
  id: string;
  subject?: string;
  priority?: string;
  type?: string;
  [key: string]: unknown;
}

const streamUrl = '/api/v1/events/stream';
/** After the browser gave up on a stream (closed it), wait this long before opening a new one, growing to the cap. */
const firstRetryMs = 1_000;
const maxRetryMs = 30_000;

/**
 * The server-sent events of what the user may see. EventSource reconnects itself (with
 * Last-Event-ID, so nothing is missed); when it could not resume (closed, or the server sent
 * `reset`) `reread` counts up and pages read what they show again.
 */
@Injectable({ providedIn: 'root' })
export class LiveService {
  private readonly session = inject(SessionService);
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = firstRetryMs;
  private everOpened = false;
  private missedSomething = false;

  readonly state = signal<LiveState>('offline');
  /** Counts up whenever pages must re-read (reconnect after a gap, reset); effects read it to refresh. */
  readonly reread = signal(0);
  readonly audit$ = new Subject<LiveAuditEvent>();
  readonly notification$ = new Subject<LiveNotification>();

  constructor() {
    this.session.onEnd(() => this.stop());
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => this.source === null && this.session.signedIn() && this.start());
    }
  }

  start(): void {
    if (this.source || typeof EventSource === 'undefined') return;
    this.clearRetry();
    const source = new EventSource(streamUrl, { withCredentials: true });
    this.source = source;
    this.state.set(this.everOpened ? 'reconnecting' : 'offline');
    source.onopen = () => {
      this.retryMs = firstRetryMs;
      this.state.set('live');
      if (this.everOpened && this.missedSomething) this.reread.update((n) => n + 1);
      this.everOpened = true;
      this.missedSomething = false;
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        // The browser resumes with Last-Event-ID; the server replays what was missed.
        this.state.set('reconnecting');
        return;
      }
      // Closed for good (the server refused: maybe the session ended): check, then try a new stream later.
      this.source = null;
      source.close();
      this.missedSomething = true;
      this.state.set('offline');
      void this.session.restoreOrEnd().then((alive) => alive && this.scheduleRetry());
    };
    source.addEventListener('cadf', (event) => {
      const data = parse(event);
      if (isRecord(data) && typeof data['type'] === 'string') this.audit$.next(data as LiveAuditEvent);
    });
    source.addEventListener('notification', (event) => {
      const data = parse(event);
      if (isRecord(data) && typeof data['id'] === 'string') this.notification$.next(data as LiveNotification);
    });
    source.addEventListener('reset', () => this.reread.update((n) => n + 1));
  }

  stop(): void {
    this.clearRetry();
    this.source?.close();
    this.source = null;
    this.everOpened = false;
    this.state.set('offline');
  }

  private scheduleRetry(): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => this.start(), this.retryMs);
    this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

function parse(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data);
  } catch {
    return null;
  }
}
