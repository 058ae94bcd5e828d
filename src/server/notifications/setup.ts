import type { Clock } from '../../domain/clock.js';
import type { Database } from '../../store/database.js';
import { headSeq } from '../../store/event-log.js';
import { registerConsumer } from '../../store/outbox.js';
import type { Authorizer } from '../access/authorizer.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../secrets.js';
import { EmailChannel } from './channels/email.js';
import { PushChannel } from './channels/push.js';
import { NotificationConsumer } from './consumer.js';
import { NotificationDelivery } from './delivery-schedule.js';
import { TemplateCatalog } from './templates.js';
import { loadVapidKeys } from './vapid.js';

/** What the notification commands need from the node (Services.notifications). */
export interface NotificationServices {
  readonly templates: TemplateCatalog;
  /** The VAPID public key browsers subscribe with. */
  readonly pushPublicKey: string;
  /** Whether push endpoints on plain http are accepted (a local push service). */
  readonly pushAllowsHttp: boolean;
}

export interface Notifications {
  readonly services: NotificationServices;
  /** The outbox consumer that turns events into notifications; the runtime adds it to the relay. */
  readonly consumer: NotificationConsumer;
  readonly delivery: NotificationDelivery;
  stop(): Promise<void>;
}

/**
 * Sets notifications up from the configuration: the shipped templates, the VAPID keys, e-mail
 * (off, and said so, without an SMTP host), the consumer (registered at the log's head on a new
 * installation: notifications start now, not with the history) and the delivery timer.
 */
export async function setUpNotifications(
  config: Config,
  deps: { db: Database; clock: Clock; logger: Logger; secrets: SecretBox; authorizer: Authorizer },
): Promise<Notifications> {
  const templates = TemplateCatalog.load();
  const vapid = loadVapidKeys({ publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey }, config.dataDir);
  const push = new PushChannel({ ...vapid, subject: config.vapidSubject });
  const email = config.smtpHost
    ? new EmailChannel({ host: config.smtpHost, port: config.smtpPort, secure: config.smtpSecure, user: config.smtpUser, password: config.smtpPassword, from: config.smtpFrom })
    : null;
  if (email) deps.logger.info({ host: config.smtpHost, port: config.smtpPort, from: config.smtpFrom }, 'e-mail notifications go out through SMTP');
  else deps.logger.info('e-mail notifications are off: MAESTRO_SMTP_HOST is not set (notifications are still kept in-app and pushed)');

  const consumer = new NotificationConsumer({ authorizer: deps.authorizer, templates, clock: deps.clock, logger: deps.logger, email: email !== null });
  await registerConsumer(deps.db, consumer.name, await headSeq(deps.db));
  const delivery = new NotificationDelivery(
    {
      db: deps.db,
      templates,
      secrets: deps.secrets,
      email,
      push,
      logger: deps.logger,
      maxAttempts: config.notificationMaxAttempts,
      retryMs: config.notificationRetryMs,
    },
    deps.clock,
    config.notificationIntervalMs,
  );
  return {
    services: { templates, pushPublicKey: vapid.publicKey, pushAllowsHttp: config.pushAllowHttp },
    consumer,
    delivery,
    async stop() {
      await delivery.stop();
      email?.close();
    },
  };
}
