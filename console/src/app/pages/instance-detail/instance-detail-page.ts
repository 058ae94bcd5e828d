import { Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { MatTabsModule } from '@angular/material/tabs';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatChipsModule } from '@angular/material/chips';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar, MatSnackBarModule } from '@angular/material/snack-bar';
import { MatDialog } from '@angular/material/dialog';
import { debounceTime, filter, Subject } from 'rxjs';
import { ApiService } from '../../core/api.service';
import { commandRoute } from '../../core/command-route';
import { DiscoveryService } from '../../core/discovery.service';
import { LiveService } from '../../core/live.service';
import type { ListSpec } from '../../core/page-registry';
import { messageOf } from '../../core/rpc-error';
import { CommandTable } from '../../shared/command-table/command-table';
import { confirm } from '../../shared/confirm-dialog/confirm-dialog';
import { commandAccess } from '../bespoke-support/command-access';
import { lastTenant, rememberTenant } from '../bespoke-support/last-tenant';
import { TenantSelect } from '../bespoke-support/tenant-select';
import {
  type InstanceView,
  type LaunchRecord,
  type LifecycleAction,
  instanceFrom,
  launchRecordFrom,
  lifecycleActions,
  overviewFields,
  transitionalStates,
} from './instance-view';

const views = ['overview', 'audit', 'autoconfiguration', 'metrics'] as const;
type View = (typeof views)[number];
/** Live events about this instance gathered this long before one re-read. */
const liveDebounceMs = 300;

/** The Audit tab: the generic table over events.describe, its resource filter held to this instance. */
const auditSpec: ListSpec = {
  command: 'events.describe',
  rowId: 'id',
  // What was done (the CADF action) and by whom; the target is always this instance.
  columns: ['time', 'type', 'action', 'outcome', 'initiator.name', 'reason.reasonCode'],
  filters: ['type', 'outcome', 'from', 'to'],
  liveTypes: ['instance', 'tag', 'publicIp', 'volume', 'schedule'],
};

/**
 * /instances/:id — one instance: Overview (fields, live state, lifecycle actions, tags),
 * Audit (its events), Autoconfiguration (what Maestro recorded at launch) and Metrics. The tenant
 * comes from the link (?tenant=) or the tenant the user chose last, as the tables link here by id.
 */
@Component({
  selector: 'app-instance-detail-page',
  imports: [RouterLink, MatTabsModule, MatButtonModule, MatIconModule, MatChipsModule, MatProgressBarModule, MatSnackBarModule, CommandTable, TenantSelect],
  templateUrl: './instance-detail-page.html',
  styleUrl: './instance-detail-page.scss',
})
export class InstanceDetailPage {
  private readonly api = inject(ApiService);
  private readonly discovery = inject(DiscoveryService);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly dialog = inject(MatDialog);
  private readonly may = commandAccess();
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  /** The route's :id (component input binding). */
  readonly id = input.required<string>();

  protected readonly tenant = computed(() => this.query().get('tenant') ?? lastTenant());
  protected readonly view = computed<View>(() => {
    const asked = this.query().get('view');
    return (views as readonly string[]).includes(asked ?? '') ? (asked as View) : 'overview';
  });
  protected readonly viewIndex = computed(() => views.indexOf(this.view()));
  protected readonly instance = signal<InstanceView | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notFound = signal(false);
  protected readonly actions = signal<LifecycleAction[]>([]);
  protected readonly canTag = signal(false);
  protected readonly canAudit = signal(false);
  protected readonly busy = signal<string | null>(null);
  protected readonly launch = signal<LaunchRecord | null>(null);
  protected readonly launchState = signal<'idle' | 'loading' | 'done' | 'refused'>('idle');
  protected readonly launchError = signal<string | null>(null);
  protected readonly metricCommands = signal<string[] | null>(null);

  protected readonly fields = computed(() => {
    const instance = this.instance();
    return instance ? overviewFields(instance) : [];
  });
  protected readonly tags = computed(() => Object.entries(this.instance()?.tags ?? {}).map(([key, value]) => ({ key, value })));
  protected readonly changing = computed(() => transitionalStates.has(this.instance()?.state ?? ''));
  protected readonly auditSpec = auditSpec;

  private readonly liveTrigger = new Subject<void>();
  private request = 0;

  constructor() {
    effect(() => {
      const id = this.id();
      const tenant = this.tenant();
      this.live.reread();
      untracked(() => void this.load(id, tenant, false));
    });
    // The Audit tab's table reads its filters from the URL: keep its resource filter on this instance.
    effect(() => {
      const id = this.id();
      if (this.view() === 'audit' && this.query().get('resource') !== id) {
        untracked(() => void this.router.navigate([], { queryParams: { resource: id, cursor: null }, queryParamsHandling: 'merge', replaceUrl: true }));
      }
    });
    effect(() => {
      const view = this.view();
      const instance = this.instance();
      if (view === 'autoconfiguration' && instance && untracked(this.launchState) === 'idle') untracked(() => void this.loadLaunch(instance));
      if (view === 'metrics' && untracked(this.metricCommands) === null) untracked(() => void this.findMetrics());
    });
    void this.checkAccess();
    const subscription = this.live.audit$.pipe(filter((event) => event.target?.id === this.id())).subscribe(() => this.liveTrigger.next());
    const debounced = this.liveTrigger.pipe(debounceTime(liveDebounceMs)).subscribe(() => void this.load(this.id(), this.tenant(), true));
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      debounced.unsubscribe();
    });
  }

  private async checkAccess(): Promise<void> {
    const allowed = await Promise.all(lifecycleActions.map((action) => this.may(action.command)));
    this.actions.set(lifecycleActions.filter((_action, index) => allowed[index]));
    this.canTag.set(await this.may('tags.set'));
    this.canAudit.set(await this.may('events.describe'));
  }

  /** Reads the instance; `quiet` keeps the page as it is while re-reading for a live change. */
  private async load(id: string, tenant: string | null, quiet: boolean): Promise<void> {
    if (!tenant) {
      this.instance.set(null);
      return;
    }
    const request = ++this.request;
    this.loading.set(true);
    if (!quiet) this.error.set(null);
    try {
      const found = instanceFrom(await this.api.call('instances.describe', { tenant, ids: [id] }));
      if (request !== this.request) return;
      this.instance.set(found);
      this.notFound.set(found === null);
      this.error.set(null);
      if (found) rememberTenant(tenant);
    } catch (error) {
      if (request === this.request) this.error.set(messageOf(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  private async loadLaunch(instance: InstanceView): Promise<void> {
    if (!(await this.may('events.describe'))) {
      this.launchState.set('refused');
      return;
    }
    this.launchState.set('loading');
    try {
      // The launch (or discovery) is the instance's first event: oldest first, a few are enough.
      const answer = await this.api.call('events.describe', { tenant: instance.tenant, resource: instance.id, action: 'create', order: 'oldest', limit: 5 });
      let record = launchRecordFrom(answer);
      if (!record) record = launchRecordFrom(await this.api.call('events.describe', { tenant: instance.tenant, resource: instance.id, type: 'instance.discovered', limit: 1 }));
      this.launch.set(record);
      this.launchError.set(null);
    } catch (error) {
      this.launchError.set(messageOf(error));
    } finally {
      this.launchState.set('done');
    }
  }

  private async findMetrics(): Promise<void> {
    const methods = await this.discovery.methods().catch(() => new Map());
    this.metricCommands.set([...methods.keys()].filter((name: string) => name.startsWith('metrics.')));
  }

  protected chooseTenant(tenant: string): void {
    rememberTenant(tenant);
    void this.router.navigate([], { queryParams: { tenant }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected chooseView(index: number): void {
    const view = views[index] ?? 'overview';
    void this.router.navigate([], {
      queryParams: { view: view === 'overview' ? null : view, resource: view === 'audit' ? this.id() : null, cursor: null },
      queryParamsHandling: 'merge',
    });
  }

  protected applies(action: LifecycleAction): boolean {
    return action.states.includes(this.instance()?.state ?? '');
  }

  /** A lifecycle action: the command's own confirm question (its UI hint) first, then the call. */
  protected async run(action: LifecycleAction): Promise<void> {
    const instance = this.instance();
    if (!instance || this.busy()) return;
    const method = await this.discovery.find(action.command);
    const question = method?.['x-maestro']?.ui?.confirm;
    if (question) {
      const ok = await confirm(this.dialog, { title: `${action.label} ${instance.name}?`, question, action: action.label });
      if (!ok) return;
    }
    this.busy.set(action.command);
    try {
      const result = await this.api.call<InstanceView>(action.command, { tenant: instance.tenant, id: instance.id });
      if (result && typeof result.state === 'string') this.instance.set(result);
      this.snackBar.open(`${action.label}: ${instance.name} is ${result?.state ?? 'changing'}.`, 'Close', { duration: 4000 });
    } catch (error) {
      this.snackBar.open(`${action.label} failed: ${messageOf(error)}`, 'Close', { duration: 12000 });
    } finally {
      this.busy.set(null);
    }
  }

  protected manageTags(): void {
    const instance = this.instance();
    if (!instance) return;
    void this.router.navigate(commandRoute('tags.set'), {
      queryParams: { tenant: instance.tenant, resourceId: instance.id, returnUrl: this.router.url },
    });
  }
}
