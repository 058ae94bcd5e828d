import type { NotificationType } from '../../protocol/notifications.js';

/**
 * The console page a notification opens when its web push message is clicked, relative to the
 * console's root (the service worker resolves it inside its own scope): the thing it is about
 * where the console has a page for it, else the notification itself on the notifications page.
 */
export function consolePageOf(notification: { id: string; type: NotificationType; data: unknown }): string {
  const data = (notification.data ?? {}) as { instance?: { id?: unknown } };
  const instanceId = typeof data.instance?.id === 'string' ? data.instance.id : null;
  switch (notification.type) {
    case 'instanceStateChanged':
      if (instanceId) return `instances/${encodeURIComponent(instanceId)}`;
      break;
    case 'approvalRequested':
    case 'approvalApproved':
    case 'approvalRejected':
      return 'approvals';
    case 'quotaThresholdReached':
      return 'quotas';
    case 'jobFailed':
      return 'jobs';
    case 'loginApproved':
      break;
  }
  return `notifications?id=${encodeURIComponent(notification.id)}`;
}
