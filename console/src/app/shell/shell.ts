import { Component, computed, inject, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { BreakpointObserver } from '@angular/cdk/layout';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatListModule } from '@angular/material/list';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import { MatBadgeModule } from '@angular/material/badge';
import { MatTooltipModule } from '@angular/material/tooltip';
import { filter, map } from 'rxjs';
import { SessionService } from '../core/session.service';
import { LiveService } from '../core/live.service';
import { UnreadNotificationsService } from '../core/unread-notifications.service';
import { consolePages } from '../core/pages';
import { allows } from '../core/guards';
import type { PageEntry, PageGroup } from '../core/page-registry';
import { LiveBadge } from './live-badge';

const groupOrder: PageGroup[] = ['Overview', 'Resources', 'Billing', 'Operations', 'Administration', 'Personal'];

/**
 * The frame around every page: toolbar (live badge, notifications bell, user menu) and a side
 * navigation built from the page registry, showing only the pages the user may open. Under
 * 600 px the navigation slides over the page and closes after a choice.
 */
@Component({
  selector: 'app-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatMenuModule,
    MatBadgeModule,
    MatTooltipModule,
    LiveBadge,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
})
export class Shell {
  protected readonly session = inject(SessionService);
  protected readonly live = inject(LiveService);
  protected readonly unread = inject(UnreadNotificationsService);
  private readonly router = inject(Router);
  private readonly sidenav = viewChild.required(MatSidenav);

  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 599.98px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );

  protected readonly groups = computed(() => {
    const visible = consolePages.filter((page) => !page.hidden && allows(this.session, page.access));
    return groupOrder
      .map((group) => ({ group, pages: visible.filter((page) => page.group === group) }))
      .filter((entry) => entry.pages.length > 0);
  });

  protected readonly canSeeNotifications = computed(() => this.session.hasAction('NOTIFICATIONS_PAGE') && this.session.hasFeature('notifications'));

  protected readonly unreadLabel = computed(() => (this.unread.more() ? '99+' : String(this.unread.count())));

  constructor() {
    this.live.start();
    this.router.events.pipe(filter((event) => event instanceof NavigationEnd)).subscribe(() => {
      if (this.narrow()) void this.sidenav().close();
    });
  }

  protected trackPage(_index: number, page: PageEntry): string {
    return page.path;
  }

  protected logOut(): void {
    void this.session.logOut();
  }
}
