import { Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { MatTabsModule } from '@angular/material/tabs';
import { DiscoveryService } from '../../core/discovery.service';
import { SessionService } from '../../core/session.service';
import type { ListSpec, PageEntry } from '../../core/page-registry';
import { CommandTable } from '../../shared/command-table/command-table';

/**
 * A page from the registry (core/pages.ts): one list, or tabs of several, each the generic table.
 * Tabs whose list command the user may not run are not shown; the chosen tab is in the URL.
 */
@Component({
  selector: 'app-list-page',
  imports: [MatTabsModule, CommandTable],
  template: `
    <h1 class="title">{{ page().title }}</h1>
    @if (lists().length === 0 && checked()) {
      <p data-testid="page-empty">Nothing on this page is open to you; ask an administrator for the permissions of its lists.</p>
    } @else if (lists().length === 1) {
      <app-command-table [spec]="lists()[0]!" />
    } @else if (lists().length > 1) {
      <mat-tab-group [selectedIndex]="tab()" (selectedIndexChange)="chooseTab($event)" mat-stretch-tabs="false" [attr.data-testid]="'tabs-' + page().path">
        @for (list of lists(); track list.command) {
          <mat-tab [label]="list.label ?? list.command">
            <ng-template matTabContent>
              <app-command-table [spec]="list" />
            </ng-template>
          </mat-tab>
        }
      </mat-tab-group>
    }
  `,
  styles: `.title { margin: 4px 0 12px; font-size: 24px; font-weight: 400; }`,
})
export class ListPage {
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly session = inject(SessionService);
  private readonly data = toSignal(this.route.data, { requireSync: true });
  private readonly query = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly page = computed(() => this.data()['page'] as PageEntry);
  protected readonly lists = signal<ListSpec[]>([]);
  protected readonly checked = signal(false);
  protected readonly tab = computed(() => Math.max(0, Math.min(this.lists().length - 1, Number(this.query().get('tab')) || 0)));

  constructor() {
    void this.pickLists();
  }

  private async pickLists(): Promise<void> {
    const methods = await inject(DiscoveryService).methods().catch(() => new Map());
    const open = (this.page().lists ?? []).filter((list) => {
      const extension = methods.get(list.command)?.['x-maestro'];
      return extension && this.session.hasAction(extension.permission ?? '') && this.session.hasFeature(extension.feature);
    });
    this.lists.set(open);
    this.checked.set(true);
  }

  protected chooseTab(index: number): void {
    // Each tab has its own filters: a new tab starts from none.
    void this.router.navigate([], { queryParams: { tab: index || null } });
  }
}
