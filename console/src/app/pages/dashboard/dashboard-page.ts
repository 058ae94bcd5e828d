import { Component, DestroyRef, type WritableSignal, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { debounceTime, Subject } from 'rxjs';
import { ApiService } from '../../core/api.service';
import { LiveService } from '../../core/live.service';
import { messageOf } from '../../core/rpc-error';
import { commandAccess } from '../bespoke-support/command-access';
import { lastTenant, rememberTenant } from '../bespoke-support/last-tenant';
import { TenantSelect } from '../bespoke-support/tenant-select';
import { type Amount, type QuotaBar, type RecentEvent, amountsOf, instanceCountOf, monthStart, quotaBarsOf, recentEventsOf } from './dashboard-data';

/** One card's state: not allowed (hidden), loading, its data, or why it could not be read. */
interface Card<T> {
  allowed: boolean;
  loading: boolean;
  data: T | null;
  error: string | null;
}

const hidden = <T>(): Card<T> => ({ allowed: false, loading: false, data: null, error: null });
/** Live events gathered this long before the cards they touch are read again. */
const liveDebounceMs = 500;
const recentCount = 10;

type CardName = 'spend' | 'running' | 'quotas' | 'events';

/** Which cards an audit event makes stale: its type's prefix (instance.launched → instance). */
function cardsFor(type: string): CardName[] {
  const prefix = type.split('.')[0] ?? '';
  const cards: CardName[] = ['events'];
  if (prefix === 'instance') cards.push('running', 'quotas');
  if (prefix === 'quota' || prefix === 'volume' || prefix === 'publicIp' || prefix === 'public-ip') cards.push('quotas');
  if (prefix === 'billing' || prefix === 'pricePolicy') cards.push('spend', 'quotas');
  return cards;
}

/**
 * The home page: this month's spend, running instances, quota use and the latest events of one
 * tenant, each a card shown only when the user may run its command. Cards re-read when the live
 * stream reports a change they show, and all of them after a reconnect.
 */
@Component({
  selector: 'app-dashboard-page',
  imports: [RouterLink, DatePipe, MatCardModule, MatProgressBarModule, MatIconModule, MatButtonModule, TenantSelect],
  templateUrl: './dashboard-page.html',
  styleUrl: './dashboard-page.scss',
})
export class DashboardPage {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);
  private readonly may = commandAccess();
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  protected readonly tenant = computed(() => this.query().get('tenant') ?? lastTenant());
  protected readonly spend = signal<Card<Amount[]>>(hidden());
  protected readonly running = signal<Card<number>>(hidden());
  protected readonly quotas = signal<Card<QuotaBar[]>>(hidden());
  protected readonly events = signal<Card<RecentEvent[]>>(hidden());
  protected readonly monthLabel = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date());
  protected readonly nothingAllowed = signal(false);

  private readonly stale = new Subject<CardName[]>();
  private readonly requests: Record<CardName, number> = { spend: 0, running: 0, quotas: 0, events: 0 };

  constructor() {
    effect(() => {
      const tenant = this.tenant();
      this.live.reread();
      if (tenant) untracked(() => void this.loadAll(tenant));
    });
    const pending = new Set<CardName>();
    const audit = this.live.audit$.subscribe((event) => {
      const tenant = this.tenant();
      if (event.tenant && tenant && event.tenant !== tenant) return;
      for (const card of cardsFor(event.type)) pending.add(card);
      this.stale.next([...pending]);
    });
    const reload = this.stale.pipe(debounceTime(liveDebounceMs)).subscribe(() => {
      const tenant = this.tenant();
      const cards = [...pending];
      pending.clear();
      if (tenant) for (const card of cards) void this.load(card, tenant, true);
    });
    inject(DestroyRef).onDestroy(() => {
      audit.unsubscribe();
      reload.unsubscribe();
    });
  }

  protected chooseTenant(tenant: string): void {
    rememberTenant(tenant);
    void this.router.navigate([], { queryParams: { tenant }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  private async loadAll(tenant: string): Promise<void> {
    const [spend, running, quotas, events] = await Promise.all([
      this.may('billing.report'),
      Promise.all([this.may('resources.facets'), this.may('instances.describe')]).then(([facets, list]) => facets || list),
      this.may('quotas.describeMonthly'),
      this.may('events.describe'),
    ]);
    const allowed: Record<CardName, boolean> = { spend, running, quotas, events };
    this.nothingAllowed.set(!spend && !running && !quotas && !events);
    for (const card of Object.keys(allowed) as CardName[]) {
      if (allowed[card]) void this.load(card, tenant, false);
      else this.cardSignal(card).set(hidden());
    }
  }

  private cardSignal(card: CardName): WritableSignal<Card<unknown>> {
    return { spend: this.spend, running: this.running, quotas: this.quotas, events: this.events }[card] as unknown as WritableSignal<Card<unknown>>;
  }

  /** Reads one card; `quiet` keeps what it shows while re-reading for a live change. */
  private async load(card: CardName, tenant: string, quiet: boolean): Promise<void> {
    const target = this.cardSignal(card);
    const request = ++this.requests[card];
    target.update((state) => ({ allowed: true, loading: true, data: quiet ? state.data : null, error: quiet ? state.error : null }));
    try {
      const data = await this.read(card, tenant);
      if (request === this.requests[card]) target.set({ allowed: true, loading: false, data, error: null });
    } catch (error) {
      if (request === this.requests[card]) target.set({ allowed: true, loading: false, data: null, error: messageOf(error) });
    }
  }

  private async read(card: CardName, tenant: string): Promise<unknown> {
    switch (card) {
      case 'spend':
        return amountsOf(await this.api.call('billing.report', { kind: 'total', tenant, from: monthStart(new Date()), to: new Date().toISOString() }));
      case 'running':
        if (await this.may('resources.facets')) {
          return instanceCountOf(await this.api.call('resources.facets', { tenant, type: 'instance', state: 'running' }));
        }
        return this.countRunning(tenant);
      case 'quotas': {
        const [monthly, daily, publicIps] = await this.api.batch([
          { method: 'quotas.describeMonthly', params: { tenant } },
          { method: 'quotas.describeDaily', params: { tenant } },
          { method: 'quotas.describePublicIps', params: { tenant } },
        ]);
        if (monthly instanceof Error) throw monthly;
        // The daily and public IP quotas are optional extras of the card: a refusal leaves them out.
        return quotaBarsOf(monthly, daily instanceof Error ? null : daily, publicIps instanceof Error ? null : publicIps);
      }
      case 'events':
        return recentEventsOf(await this.api.call('events.describe', { tenant, order: 'newest', limit: recentCount }));
    }
  }

  /** Without resources.facets: count the running instances page by page (a tenant's instances, at most a few pages). */
  private async countRunning(tenant: string): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: { items?: unknown[]; nextCursor?: string | null } = await this.api.call('instances.describe', {
        tenant,
        state: 'running',
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      count += page.items?.length ?? 0;
      cursor = page.nextCursor ?? null;
    } while (cursor);
    return count;
  }

  protected eventLink(event: RecentEvent): string | null {
    return event.instance && event.targetId ? `/instances/${encodeURIComponent(event.targetId)}` : null;
  }
}
