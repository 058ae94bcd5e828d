import { Component, inject, signal } from '@angular/core';
import { SwPush } from '@angular/service-worker';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { messageOf } from '../../core/rpc-error';

/** A short name for this browser, so the user tells subscriptions apart (pushSubscriptions.describe). */
function deviceLabel(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox' : /Chrome\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : 'Browser';
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : '';
  return `${browser}${system ? ` on ${system}` : ''}`.slice(0, 100);
}

/**
 * Web push for this device: subscribes with the server's VAPID public key
 * (pushSubscriptions.describe) and registers the subscription (pushSubscriptions.register).
 */
@Component({
  selector: 'app-push-subscription',
  imports: [MatButtonModule, MatIconModule],
  template: `
    @if (canRegister()) {
      <div class="push">
        @if (!supported) {
          <span>Push notifications need the installed console (a production build served over HTTPS or localhost) in a browser with push.</span>
        } @else {
          <button mat-stroked-button type="button" (click)="subscribe()" [disabled]="busy()" data-testid="push-subscribe">
            <mat-icon>notifications_active</mat-icon>Receive push notifications on this device
          </button>
        }
        @if (message()) {
          <span role="status" data-testid="push-status">{{ message() }}</span>
        }
      </div>
    }
  `,
  styles: `.push { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-bottom: 12px; }`,
})
export class PushSubscription {
  private readonly api = inject(ApiService);
  private readonly session = inject(SessionService);
  private readonly swPush = inject(SwPush);
  protected readonly supported = this.swPush.isEnabled && typeof PushManager !== 'undefined';
  protected readonly busy = signal(false);
  protected readonly message = signal<string | null>(null);

  protected canRegister(): boolean {
    return this.session.hasAction('MANAGE_NOTIFICATIONS') && this.session.hasFeature('notifications');
  }

  protected async subscribe(): Promise<void> {
    this.busy.set(true);
    this.message.set(null);
    try {
      const { publicKey } = await this.api.call<{ publicKey: string }>('pushSubscriptions.describe');
      const subscription = await this.swPush.requestSubscription({ serverPublicKey: publicKey });
      const json = subscription.toJSON();
      if (!json.endpoint || !json.keys?.['p256dh'] || !json.keys?.['auth']) throw new Error('The browser gave a push subscription without keys; try another browser.');
      await this.api.call('pushSubscriptions.register', {
        endpoint: json.endpoint,
        keys: { p256dh: json.keys['p256dh'], auth: json.keys['auth'] },
        label: deviceLabel(),
      });
      this.message.set('This device now receives push notifications.');
    } catch (error) {
      const denied = typeof Notification !== 'undefined' && Notification.permission === 'denied';
      this.message.set(denied ? 'The browser blocks notifications for this site; allow them in its site settings, then try again.' : messageOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
