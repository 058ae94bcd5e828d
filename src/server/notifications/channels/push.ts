import webpush from 'web-push';
import type { NotificationPriority } from '../../../protocol/notifications.js';
import type { VapidKeys } from '../vapid.js';
import { PermanentFailure } from './failure.js';

export interface PushSubscriptionKeys {
  p256dh: string;
  auth: string;
}

export interface PushMessage {
  endpoint: string;
  keys: PushSubscriptionKeys;
  /** What the console's service worker shows; `url` is the console page a click opens (console-page.ts). */
  payload: { id: string; type: string; priority: NotificationPriority; title: string; body: string; url: string };
}

/** How long a push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 24 * 3600;

/**
 * Web push to the console (RFC 8030, 8291, 8292): web-push encrypts the payload for the browser's
 * keys and signs the request with the VAPID keys; the request goes out with fetch, so a call has
 * a timeout and a push service on plain http (a local one) can be used when allowed.
 */
export class PushChannel {
  constructor(
    private readonly vapid: VapidKeys & { subject: string },
    private readonly timeoutMs = 10_000,
  ) {}

  get publicKey(): string {
    return this.vapid.publicKey;
  }

  async send(message: PushMessage): Promise<void> {
    const request = webpush.generateRequestDetails({ endpoint: message.endpoint, keys: message.keys }, JSON.stringify(message.payload), {
      vapidDetails: this.vapid,
      TTL: TTL_SECONDS,
      urgency: message.payload.priority,
      contentEncoding: 'aes128gcm',
    });
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (response.ok) return;
    // Gone or unknown: the browser dropped the subscription. Other 4xx: the request itself is wrong.
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 408;
    const reason = `the push service answered ${response.status} ${response.statusText}`.trim();
    throw permanent ? new PermanentFailure(reason) : new Error(reason);
  }
}
