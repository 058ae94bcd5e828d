import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, instant, ok, page, pageInput, timestamp } from '../common.js';
import {
  deliveryStatuses,
  notificationChannels,
  notificationPriorities,
  notificationTypeNames,
  templateParts,
} from '../notifications.js';

const type = z.enum(notificationTypeNames);
const channel = z.enum(notificationChannels);
const part = z.enum(templateParts);
const id = z.string().uuid('notification ids are UUIDs, as describe returns them');
const customerOption = { customer: identifier('customer name').optional().describe('whose; your own customer when omitted') };

/** The Notifications page's filters (seed §3.5.1): content, priority, type, time, read or not. */
const filters = {
  text: z.string().trim().min(1).max(200).optional().describe('words in the subject or text, any case'),
  type: type.optional(),
  priority: z.enum(notificationPriorities).optional(),
  from: instant.optional().describe('from this time, inclusive'),
  to: instant.optional().describe('before this time'),
};
const timeRange = (v: { from?: string | undefined; to?: string | undefined }) => !v.from || !v.to || v.from < v.to;
const fromBeforeTo = { message: 'from must be before to', path: ['from'] };

const fields = {
  id: z.string(),
  type,
  priority: z.enum(notificationPriorities),
  subject: z.string(),
  text: z.string(),
  tenant: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).describe('what the templates were filled with'),
  createdAt: timestamp,
};
const notification = z.object({ ...fields, read: z.boolean(), readAt: timestamp.nullable() });
const delivery = z.object({
  channel,
  /** The e-mail address, or the push subscription's label. */
  to: z.string(),
  user: z.string().nullable(),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  lastError: z.string().nullable(),
  sentAt: timestamp.nullable(),
});
const sentNotification = z.object({
  ...fields,
  customer: z.string().nullable(),
  recipients: z.array(z.object({ user: z.string(), read: z.boolean() })),
  contacts: z.array(z.string()).describe('e-mail addresses told besides users (tenant contacts)'),
  deliveries: z.array(delivery),
});

export const notifications = defineManager('notifications', 'notification', {
  describe: defineCommand({
    summary: 'Your notifications, newest first: everything ever sent to you, also what your subscriptions kept out of your mail',
    input: z
      .strictObject({ ...filters, read: z.boolean().optional().describe('only read (true) or unread (false) ones'), id: id.optional(), ...pageInput })
      .refine(timeRange, fromBeforeTo),
    output: page(notification),
    permission: 'DESCRIBE_NOTIFICATIONS',
    feature: 'notifications',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['createdAt', 'priority', 'type', 'subject', 'read'] },
  }),
  markRead: defineCommand({
    summary: 'Mark some of your notifications read, or unread again (read: false)',
    input: z.strictObject({ ids: z.array(id).min(1).max(1000), read: z.boolean().default(true) }),
    output: z.object({ changed: z.number().int().describe('how many were not already so') }),
    permission: 'MANAGE_NOTIFICATIONS',
    feature: 'notifications',
    audit: 'update',
    audience: 'user',
    scope: { kind: 'self' },
  }),
  describeSent: defineCommand({
    summary: "Every notification of a customer, newest first, with its recipients and each delivery's status (failed ones included)",
    input: z
      .strictObject({
        ...customerOption,
        ...filters,
        delivery: z.enum(deliveryStatuses).optional().describe('only notifications with a delivery in this state, e.g. failed'),
        ...pageInput,
      })
      .refine(timeRange, fromBeforeTo),
    output: page(sentNotification),
    permission: 'DESCRIBE_SENT_NOTIFICATIONS',
    feature: 'notifications',
    audit: null,
    audience: 'user',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['createdAt', 'priority', 'type', 'subject', 'deliveries'] },
  }),
});

const subscription = z.object({
  type,
  channel,
  enabled: z.boolean().describe('what applies'),
  source: z.enum(['user', 'tenant', 'built-in']).describe('who decided: you, the tenant default, or the built-in default'),
});
const choice = { channel, type: type.optional().describe('every type when omitted'), enabled: z.boolean().nullable() };

export const notificationSubscriptions = defineManager('notificationSubscriptions', 'notification-subscription', {
  describe: defineCommand({
    summary: 'Which notification types you receive by e-mail and push; what you did not choose follows your tenant, else the built-in default',
    input: z.strictObject({}),
    output: z.object({ items: z.array(subscription) }),
    permission: 'DESCRIBE_NOTIFICATIONS',
    feature: 'notifications',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['type', 'channel', 'enabled', 'source'] },
  }),
  set: defineCommand({
    summary: 'Choose whether you receive a notification type (or every type) by a channel; enabled: null follows the tenant again',
    input: z.strictObject(choice),
    output: z.object({ items: z.array(subscription) }),
    permission: 'MANAGE_NOTIFICATIONS',
    feature: 'notifications',
    ui: {
      title: 'Choose your notifications',
      fields: {
        channel: { label: 'Channel', widget: 'select' },
        type: { label: 'Notification type', widget: 'select', help: 'Empty: every type.' },
        enabled: { label: 'Receive them', widget: 'select', help: 'Empty: follow your tenant again.' },
      },
    },
    audit: 'configure',
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['type', 'channel', 'enabled', 'source'] },
  }),
  describeDefaults: defineCommand({
    summary: "A tenant's default notification subscriptions, for its users who chose nothing themselves",
    input: z.strictObject({ tenant: identifier('tenant name') }),
    output: z.object({ items: z.array(subscription) }),
    permission: 'DESCRIBE_TENANT',
    feature: 'notifications',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['type', 'channel', 'enabled', 'source'] },
  }),
  setDefault: defineCommand({
    summary: "Set a tenant's default for a notification type (or every type) and channel; enabled: null goes back to the built-in default",
    input: z.strictObject({ tenant: identifier('tenant name'), ...choice }),
    output: z.object({ items: z.array(subscription) }),
    permission: 'MANAGE_NOTIFICATION_DEFAULTS',
    feature: 'notifications',
    audit: 'configure',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['type', 'channel', 'enabled', 'source'] },
  }),
});

const template = z.object({
  type,
  part,
  template: z.string(),
  source: z.enum(['customer', 'shipped']),
  /** The template filled with the type's sample data. */
  preview: z.string(),
});

export const notificationTemplates = defineManager('notificationTemplates', 'notification-template', {
  describe: defineCommand({
    summary: "The notification templates a customer's notifications are rendered with: its own, else the shipped ones, with a preview",
    input: z.strictObject({ ...customerOption, type: type.optional(), part: part.optional() }),
    output: z.object({
      items: z.array(template),
      samples: z.record(z.string(), z.record(z.string(), z.unknown())).describe('per type, the data its templates can use'),
    }),
    permission: 'DESCRIBE_SENT_NOTIFICATIONS',
    feature: 'notifications',
    audit: null,
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['type', 'part', 'source', 'preview'] },
  }),
  save: defineCommand({
    summary:
      "Replace one part of a type's template for a customer (Mustache). It is checked by rendering the type's sample: unknown " +
      'names, partials and, in e-mail HTML, unescaped {{{values}}} are refused',
    input: z.strictObject({ ...customerOption, type, part, template: z.string().min(1).max(20_000) }),
    output: template,
    permission: 'MANAGE_NOTIFICATION_TEMPLATE',
    feature: 'notifications',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
  reset: defineCommand({
    summary: "Go back to the shipped template for one part of a type's template of a customer",
    input: z.strictObject({ ...customerOption, type, part }),
    output: template,
    permission: 'MANAGE_NOTIFICATION_TEMPLATE',
    feature: 'notifications',
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
  }),
});

const base64url = (what: string, bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} is base64url, as the browser's PushSubscription gives it`)
    .refine((value) => Buffer.from(value, 'base64url').length === bytes, `${what} must be ${bytes} bytes`);

const pushSubscription = z.object({ id: z.string(), label: z.string(), endpointHost: z.string(), createdAt: timestamp });

export const pushSubscriptions = defineManager('pushSubscriptions', 'push-subscription', {
  describe: defineCommand({
    summary: "Your browsers' web push subscriptions, and the server's VAPID public key to subscribe with",
    input: z.strictObject({}),
    output: z.object({ publicKey: z.string().describe('applicationServerKey for PushManager.subscribe'), items: z.array(pushSubscription) }),
    permission: 'DESCRIBE_NOTIFICATIONS',
    feature: 'notifications',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
    cli: { columns: ['id', 'label', 'endpointHost', 'createdAt'] },
  }),
  register: defineCommand({
    summary: "Register a browser's push subscription (PushSubscription.toJSON()), to receive the types you chose for push",
    input: z.strictObject({
      endpoint: z.url({ protocol: /^https?$/ }).max(2048),
      keys: z.strictObject({ p256dh: base64url('keys.p256dh', 65), auth: base64url('keys.auth', 16) }),
      label: displayText(100).optional().describe('which browser or device, to tell them apart'),
    }),
    output: pushSubscription,
    permission: 'MANAGE_NOTIFICATIONS',
    feature: 'notifications',
    audit: 'create',
    audience: 'user',
    scope: { kind: 'self' },
  }),
  remove: defineCommand({
    summary: 'Remove one of your push subscriptions',
    input: z.strictObject({ id: z.string().uuid('push subscription ids are UUIDs, as describe returns them') }),
    output: ok,
    permission: 'MANAGE_NOTIFICATIONS',
    feature: 'notifications',
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'self' },
  }),
});
