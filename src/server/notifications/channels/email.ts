import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationPriority } from '../../../protocol/notifications.js';
import { PermanentFailure } from './failure.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  priority: NotificationPriority;
}

/** E-mail over SMTP (nodemailer), with a small pool of connections reused between messages. */
export class EmailChannel {
  readonly #transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.#transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: EmailMessage): Promise<void> {
    try {
      await this.#transport.sendMail({ from: this.settings.from, ...message });
    } catch (error) {
      // 5xx: the server refused for good (no such mailbox, message rejected); 4xx and network errors pass.
      const code = (error as { responseCode?: unknown }).responseCode;
      if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentFailure((error as Error).message);
      throw error;
    }
  }

  close(): void {
    this.#transport.close();
  }
}
