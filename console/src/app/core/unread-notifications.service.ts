import { Injectable, effect, inject, signal } from '@angular/core';
import { debounceTime, filter } from 'rxjs';
import { ApiService } from './api.service';
import { LiveService } from './live.service';
import { SessionService } from './session.service';

/** At most this many unread are counted exactly; beyond it the bell says "99+". */
const countedUpTo = 99;

/**
 * How many of the user's notifications are unread, for the bell: read once per session (one page
 * of unread ones, never everything), counted up as notifications arrive live, read again when the
 * live stream had a gap or a page marked some read.
 */
@Injectable({ providedIn: 'root' })
export class UnreadNotificationsService {
  private readonly api = inject(ApiService);
  private readonly session = inject(SessionService);
  readonly count = signal(0);
  /** True when there are more unread than counted. */
  readonly more = signal(false);

  constructor() {
    const live = inject(LiveService);
    live.notification$.subscribe(() => this.count.update((n) => n + 1));
    // Marked read or unread (on any of the user's devices): count again.
    live.audit$.pipe(filter((event) => event.type === 'notification.marked'), debounceTime(300)).subscribe(() => void this.refresh());
    effect(() => {
      live.reread();
      if (this.session.signedIn()) void this.refresh();
    });
    this.session.onEnd(() => {
      this.count.set(0);
      this.more.set(false);
    });
  }

  private allowed(): boolean {
    return this.session.hasAction('DESCRIBE_NOTIFICATIONS') && this.session.hasFeature('notifications');
  }

  async refresh(): Promise<void> {
    if (!this.allowed()) return;
    try {
      const page = await this.api.call<{ items: unknown[]; nextCursor?: string | null }>('notifications.describe', {
        read: false,
        limit: countedUpTo,
      });
      this.count.set(page.items.length);
      this.more.set(Boolean(page.nextCursor));
    } catch {
      // The bell keeps its last count; the page itself shows the error.
    }
  }
}
