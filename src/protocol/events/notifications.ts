import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';
import { notificationChannels, notificationTypeNames, templateParts } from '../notifications.js';

/**
 * What users and administrators change about notifications. The notifications themselves are
 * not events: the notification consumer derives them from the log (like billing's records), and
 * a rebuild leaves them.
 */

const id = z.string().uuid();
const type = z.enum(notificationTypeNames);
const channel = z.enum(notificationChannels);

/** A user marked some of their notifications read (or unread again). */
export const notificationsMarked = defineEvent('notification.marked', {
  action: 'update',
  target: targetTypes.notification,
  data: z.object({ userId: id, ids: z.array(id), read: z.boolean() }),
});

/** A user's own choice for a type and channel; null goes back to the tenant's default. */
export const notificationSubscriptionSet = defineEvent('notification.subscriptionSet', {
  action: 'configure',
  target: targetTypes.notificationSetting,
  data: z.object({ userId: id, type, channel, enabled: z.boolean().nullable() }),
});

/** A tenant's default for a type and channel, for users who chose nothing; null goes back to the built-in one. */
export const notificationDefaultSet = defineEvent('notification.defaultSet', {
  action: 'configure',
  target: targetTypes.notificationSetting,
  data: z.object({ tenantId: id, type, channel, enabled: z.boolean().nullable() }),
});

/** A customer's own version of one part of a type's template; null goes back to the shipped one. */
export const notificationTemplateSet = defineEvent('notification.templateSet', {
  action: 'update',
  target: targetTypes.notificationSetting,
  data: z.object({ customerId: id, type, part: z.enum(templateParts), template: z.string().nullable() }),
});

/** A browser of the console subscribed to web push; its keys are sealed with the master key. */
export const pushSubscriptionRegistered = defineEvent('notification.pushRegistered', {
  action: 'create',
  target: targetTypes.notificationSetting,
  data: z.object({ id, userId: id, endpoint: z.string(), keysSealed: z.string(), label: z.string() }),
  // The endpoint is a capability: whoever has it can wake the browser.
  secretFields: ['keysSealed', 'endpoint'],
});

export const pushSubscriptionRemoved = defineEvent('notification.pushRemoved', {
  action: 'delete',
  target: targetTypes.notificationSetting,
  data: z.object({ id, userId: id }),
});
