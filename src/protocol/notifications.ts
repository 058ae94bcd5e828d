/**
 * The notification vocabulary (seed §3.5.1): what kinds of notification exist, the channels a
 * user chooses per kind, the parts of a template, and priorities. Which event raises which kind,
 * and for whom, is the server's trigger table (src/server/notifications/triggers.ts).
 */

/**
 * Each kind, with the channels it uses unless the user or their tenant chose otherwise. Every
 * notification is also kept for the Notifications page, whatever the channels say.
 */
export const notificationTypes = {
  instanceStateChanged: { summary: 'An instance you own changed state', email: false, push: true },
  quotaThresholdReached: { summary: "A monthly cost quota of a tenant reached a threshold of its limit", email: true, push: true },
  approvalRequested: { summary: 'A request held by a quota waits for your approval', email: true, push: true },
  approvalApproved: { summary: 'Your request held by a quota was approved', email: true, push: true },
  approvalRejected: { summary: 'Your request held by a quota was rejected', email: true, push: true },
  loginApproved: { summary: 'Your login attempt was approved', email: true, push: true },
  jobFailed: { summary: 'A system job failed (system administrators)', email: true, push: true },
} as const;
export type NotificationType = keyof typeof notificationTypes;
export const notificationTypeNames = Object.keys(notificationTypes) as [NotificationType, ...NotificationType[]];

/** Channels a user subscribes to per type. The in-app copy is not one: it is always kept. */
export const notificationChannels = ['email', 'push'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/**
 * The parts of a type's template: `subject` (the stored title, the e-mail subject, the push
 * title), `inApp` (the text on the Notifications page, and the e-mail's plain-text part),
 * `email` (the HTML of the e-mail) and `push` (the body of a push message).
 */
export const templateParts = ['subject', 'inApp', 'email', 'push'] as const;
export type TemplatePart = (typeof templateParts)[number];

export const notificationPriorities = ['low', 'normal', 'high'] as const;
export type NotificationPriority = (typeof notificationPriorities)[number];

export const deliveryStatuses = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
