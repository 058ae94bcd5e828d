import { connect } from 'amqplib';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';

/** Where the cloud publishes Nova's versioned notifications (its own RabbitMQ, not Maestro's). */
export const notificationSettings = z.strictObject({
  /** The cloud's message broker, with its vhost (credentials included: keep it in the agent's sealed credentials). */
  amqpUrl: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL'),
  /** Nova's notification exchange. */
  exchange: z.string().min(1).default('nova'),
  /** Nova's `notifications.versioned_notifications_topics`. */
  topic: z.string().min(1).default('versioned_notifications'),
});
export type NotificationSettings = z.output<typeof notificationSettings>;

// oslo.messaging's v2 envelope around a notification.
const envelope = z.object({ 'oslo.message': z.string() });
const notification = z.object({
  event_type: z.string(),
  payload: z.object({ 'nova_object.data': z.object({ uuid: z.string() }).passthrough() }).passthrough(),
});

/** The server a notification is about, if it is one about a server (instance.power_off.end …). */
export function serverOfNotification(body: Buffer): string | null {
  try {
    const outer = envelope.safeParse(JSON.parse(body.toString('utf8')));
    const inner = notification.safeParse(outer.success ? JSON.parse(outer.data['oslo.message']) : JSON.parse(body.toString('utf8')));
    if (!inner.success || !inner.data.event_type.startsWith('instance.')) return null;
    return inner.data.payload['nova_object.data'].uuid;
  } catch {
    return null;
  }
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Follows Nova's versioned notifications until `signal` aborts: each one about a server calls
 * `onChange` with its id (the caller then reads what changed). A queue of its own is bound to
 * Nova's exchange, so other readers of the notifications keep theirs; it goes with the connection.
 * A lost connection is made again with back-off: meanwhile polling still sees every change.
 */
export async function followServerChanges(
  settings: NotificationSettings,
  onChange: (serverId: string) => void,
  signal: AbortSignal,
  deps: { clock: Clock; onError?: (error: unknown) => void },
): Promise<void> {
  let retryMs = RETRY_MIN_MS;
  while (!signal.aborted) {
    try {
      const connection = await connect(settings.amqpUrl, { noDelay: true, timeout: 10_000 });
      try {
        const channel = await connection.createChannel();
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
        for (const priority of ['info', 'error']) await channel.bindQueue(queue, settings.exchange, `${settings.topic}.${priority}`);
        await channel.consume(
          queue,
          (message) => {
            if (!message) return;
            const server = serverOfNotification(message.content);
            if (server) onChange(server);
          },
          { noAck: true },
        );
        retryMs = RETRY_MIN_MS;
        await new Promise<void>((resolve) => {
          connection.once('close', () => resolve());
          connection.once('error', () => resolve());
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        await connection.close().catch(() => undefined);
      }
    } catch (error) {
      deps.onError?.(error);
    }
    if (signal.aborted) return;
    await deps.clock.sleep(retryMs, signal).catch(() => undefined);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }
}
