import { Component } from '@angular/core';
import type { ListSpec } from '../../core/page-registry';
import { CommandTable } from '../../shared/command-table/command-table';
import { PushSubscription } from './push-subscription';

/** Everything the user received (filters: text, priority, type, read, time), mark read, and web push for this device. */
@Component({
  selector: 'app-notifications-page',
  imports: [CommandTable, PushSubscription],
  template: `
    <h1 class="title">Notifications</h1>
    <app-push-subscription />
    <app-command-table [spec]="list" />
  `,
  styles: `.title { margin: 4px 0 12px; font-size: 24px; font-weight: 400; }`,
})
export class NotificationsPage {
  protected readonly list: ListSpec = {
    command: 'notifications.describe',
    filters: ['text', 'priority', 'type', 'read', 'from', 'to'],
    liveTypes: ['notification'],
    actions: [
      { command: 'notifications.markRead', label: 'Mark read', icon: 'mark_email_read', bulk: true, from: { ids: 'id' }, extra: { read: true } },
      { command: 'notifications.markRead', id: 'notifications.markUnread', label: 'Mark unread', icon: 'mark_email_unread', bulk: true, from: { ids: 'id' }, extra: { read: false } },
    ],
  };
}
