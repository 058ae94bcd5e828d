import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../src/domain/clock.js';
import type { EventData, EventDefinition } from '../../src/protocol/events.js';
import type { MaestroClient } from '../../src/sdk/client.js';
import { initiatorOf, systemActor } from '../../src/server/actor.js';
import { EventWriter, type EventScope } from '../../src/server/event-writer.js';
import { eventDefinitions, projections } from '../../src/server/projections/index.js';
import type { Maestro } from '../../src/server/runtime.js';
import type { Queryable } from '../../src/store/database.js';
import { eventually } from '../support/eventually.js';

/** A received e-mail, parsed. */
export interface Mail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  priority: string | undefined;
}

/**
 * A real SMTP server on a random local port, keeping what it receives. `refuse` makes it
 * answer RCPT TO for an address with a temporary (451) or permanent (550) error.
 */
export async function startMailServer() {
  const received: Mail[] = [];
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refused.get(address.address.toLowerCase());
      if (code === undefined) return callback();
      const error = Object.assign(new Error(code >= 500 ? 'no such mailbox' : 'try again later'), { responseCode: code });
      callback(error);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            text: mail.text ?? '',
            priority: mail.headers.get('priority') as string | undefined,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    to: (address: string) => received.filter((mail) => mail.to.includes(address)),
    refuse: (address: string, code: number) => void refused.set(address, code),
    accept: (address: string) => void refused.delete(address),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type MailServer = Awaited<ReturnType<typeof startMailServer>>;

export interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A local HTTP server standing in for a browser vendor's push service: records requests, answers `status`. */
export async function startPushService() {
  const requests: PushRequest[] = [];
  let status = 201;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (code: number) => void (status = code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Notifications are made and sent in the background: tests wait for them.
export { eventually };

/** A user's notifications of a type, once at least `count` have arrived. */
export async function notificationsOf(client: MaestroClient, type: string, count = 1) {
  return eventually(async () => {
    const { items } = await client.notifications.describe({ type: type as never });
    return items.length >= count ? items : null;
  }, `${count} ${type} notification(s)`);
}

/** Every delivery of the notifications of an event type, as stored. */
export async function deliveriesOf(db: Queryable, type: string) {
  const { rows } = await db.query<{ channel: string; target: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: string | null }>(
    `SELECT d.channel, d.target, d.status, d.attempts, d.last_error AS "lastError", d.next_attempt_at AS "nextAttemptAt"
       FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.type = $1 ORDER BY d.id`,
    [type],
  );
  return rows;
}

/** Settings of a node that mails through the test SMTP server and leaves retries to the test. */
export const mailConfig = (mail: MailServer) => ({
  smtpHost: '127.0.0.1',
  smtpPort: mail.port,
  smtpFrom: 'Maestro <maestro@example.test>',
  notificationIntervalMs: 3_600_000,
});

/**
 * Records an event on a node as Maestro's own components do (the writer, then the bus), so the
 * node's relay hands it to the notification consumer: for events no command records (a login
 * approval, a job failure).
 */
export async function recordEvent<E extends EventDefinition>(maestro: Maestro, clock: Clock, definition: E, data: EventData<E>, scope: EventScope) {
  const writer = new EventWriter(maestro.db, projections, maestro.bus, clock, [...eventDefinitions, definition]);
  const origin = { initiator: initiatorOf(systemActor('test')), requestId: null, observer: { typeURI: 'service/maestro', id: 'test' } };
  const [event] = await writer.appendStandalone([writer.build(definition, data, scope, origin)]);
  return event!;
}
