import { Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatTableModule } from '@angular/material/table';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar, MatSnackBarModule } from '@angular/material/snack-bar';
import { MatDialog } from '@angular/material/dialog';
import { MatTooltipModule } from '@angular/material/tooltip';
import { debounceTime, filter, Subject } from 'rxjs';
import { ApiService } from '../../core/api.service';
import { DiscoveryService } from '../../core/discovery.service';
import { LiveService } from '../../core/live.service';
import { SessionService } from '../../core/session.service';
import type { RpcMethod } from '../../core/openrpc';
import type { ListSpec, RowAction } from '../../core/page-registry';
import type { PickerHint } from '../../core/ui-hints';
import { RpcError, messageOf } from '../../core/rpc-error';
import { cellText, headerOf, valueAt } from '../values';
import {
  type FilterField,
  type SortSupport,
  defaultPageSize,
  filterFieldsOf,
  filterValuesFrom,
  pageSizes,
  sortSupportOf,
} from '../list-query';
import { actionApplies, callsForRows, inputsFromRow, missingInputs } from './row-calls';
import { confirm } from '../confirm-dialog/confirm-dialog';
import { PickerField } from '../picker-field/picker-field';
import { FacetPanel } from './facet-panel';
import { isoToLocal } from '../command-form/form-model';
import { commandRoute } from '../../core/command-route';

/** Live events for this table's types, gathered this long before one re-read. */
const liveDebounceMs = 400;
/** Pickers for filters whose list command gives no ui hint of its own. */
const defaultFilterPickers: Record<string, PickerHint> = {
  tenant: { command: 'tenants.describe', value: 'name', label: 'name', detail: 'customer' },
  region: { command: 'regions.describe', value: 'name', label: 'name', detail: 'cloud' },
  customer: { command: 'customers.describe', value: 'name', label: 'displayName' },
};
const lastTenantKey = 'maestro.lastTenant';

interface ActionView {
  action: RowAction;
  method: RpcMethod;
}

/**
 * One generic table for any list command: columns from x-maestro.columns, filters from the
 * command's inputs, all kept in the URL (reload, back and sharing work), server-side paging by
 * cursor (a stack of cursors for Previous), sorting when the command sorts, row and bulk actions,
 * and re-reading when the live stream says its rows changed. It never loads more than one page.
 */
@Component({
  selector: 'app-command-table',
  imports: [
    RouterLink,
    ReactiveFormsModule,
    MatTableModule,
    MatSortModule,
    MatCheckboxModule,
    MatButtonModule,
    MatIconModule,
    MatMenuModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatProgressBarModule,
    MatSnackBarModule,
    MatTooltipModule,
    PickerField,
    FacetPanel,
  ],
  templateUrl: './command-table.html',
  styleUrl: './command-table.scss',
})
export class CommandTable {
  private readonly api = inject(ApiService);
  private readonly discovery = inject(DiscoveryService);
  private readonly session = inject(SessionService);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly snackBar = inject(MatSnackBar);
  private readonly dialog = inject(MatDialog);

  readonly spec = input.required<ListSpec>();

  protected readonly method = signal<RpcMethod | null>(null);
  protected readonly filters = signal<FilterField[]>([]);
  protected readonly sortSupport = signal<SortSupport | null>(null);
  protected readonly rows = signal<unknown[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly rowActions = signal<ActionView[]>([]);
  protected readonly wizards = signal<{ name: string; label: string }[]>([]);
  protected readonly pageSizes = pageSizes;
  protected readonly filterControls = new Map<string, FormControl>();
  /** Cursors of the pages before this one, for Previous. */
  private cursorStack: string[] = [];
  private request = 0;
  private readonly liveTrigger = new Subject<void>();

  private readonly query = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly filterValues = computed(() => filterValuesFrom(this.query(), this.filters()));
  protected readonly missingRequired = computed(() => this.filters().filter((field) => field.required && !(field.name in this.filterValues())));
  protected readonly pageSize = computed(() => Number(this.query().get('limit')) || defaultPageSize);
  protected readonly cursor = computed(() => this.query().get('cursor'));
  protected readonly sortKey = computed(() => this.query().get('sort') ?? '');
  protected readonly sortOrder = computed(() => (this.query().get('order') === 'desc' ? 'desc' : this.query().get('order') === 'asc' ? 'asc' : ''));
  protected readonly columns = computed(() => {
    const method = this.method();
    return this.spec().columns ?? method?.['x-maestro']?.columns ?? this.guessColumns();
  });
  protected readonly bulkActions = computed(() => this.rowActions().filter((view) => view.action.bulk));
  protected readonly displayedColumns = computed(() => [
    ...(this.bulkActions().length > 0 ? ['select'] : []),
    ...this.columns(),
    ...(this.rowActions().length > 0 ? ['actions'] : []),
  ]);
  protected readonly hasMoreFilters = computed(() => this.filters().length > 0);
  protected readonly showFilters = signal(false);

  constructor() {
    // Load the command's description once, then read rows whenever the URL's query changes.
    effect(() => {
      const spec = this.spec();
      void untracked(() => this.describe(spec));
    });
    effect(() => {
      this.query();
      this.live.reread();
      if (this.method()) untracked(() => void this.load());
    });
    const subscription = this.live.audit$
      .pipe(filter((event) => this.isMine(event.type)))
      .subscribe(() => this.liveTrigger.next());
    // Notifications arrive on their own stream, not as audit events.
    const notifications = this.live.notification$.pipe(filter(() => this.isMine('notification'))).subscribe(() => this.liveTrigger.next());
    const debounced = this.liveTrigger.pipe(debounceTime(liveDebounceMs)).subscribe(() => void this.load(true));
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      notifications.unsubscribe();
      debounced.unsubscribe();
    });
  }

  private isMine(type: string): boolean {
    const prefix = type.split('.')[0] ?? '';
    const types = this.spec().liveTypes ?? [];
    return types.includes(prefix) || types.includes('*');
  }

  private guessColumns(): string[] {
    const first = this.rows()[0];
    return first && typeof first === 'object' ? Object.keys(first).slice(0, 6) : [];
  }

  private async describe(spec: ListSpec): Promise<void> {
    this.error.set(null);
    try {
      const methods = await this.discovery.methods();
      const method = methods.get(spec.command);
      if (!method) throw new RpcError(`The server has no command ${spec.command}; it may be older than the console.`, 'unknown_method', 404);
      const fields = filterFieldsOf(method, spec.filters);
      for (const field of fields) if (!this.filterControls.has(field.name)) this.filterControls.set(field.name, new FormControl(''));
      this.filters.set(fields);
      this.sortSupport.set(sortSupportOf(method));
      const allowed = (name: string) => {
        const other = methods.get(name);
        const extension = other?.['x-maestro'];
        return other && extension && this.session.hasAction(extension.ui?.wizard ?? extension.permission ?? '') && this.session.hasFeature(extension.feature) ? other : null;
      };
      this.rowActions.set((spec.actions ?? []).flatMap((action) => {
        const other = allowed(action.command);
        return other ? [{ action, method: other }] : [];
      }));
      this.wizards.set((spec.wizards ?? []).flatMap((name) => {
        const other = allowed(name);
        return other ? [{ name, label: other['x-maestro']?.ui?.title ?? other.summary ?? name }] : [];
      }));
      this.fillStartingFilters(spec, fields);
      this.method.set(method);
    } catch (error) {
      this.error.set(messageOf(error));
    }
  }

  /**
   * A list starts with its spec's defaults, and one that needs a tenant with the tenant chosen last
   * time, written into the URL like any filter (so the address says what the page shows).
   */
  private fillStartingFilters(spec: ListSpec, fields: FilterField[]): void {
    const start: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.defaults ?? {})) if (this.query().get(name) === null) start[name] = value;
    const remembered = localStorage.getItem(lastTenantKey);
    if (remembered && fields.some((field) => field.name === 'tenant' && field.required) && !this.query().get('tenant')) start['tenant'] = remembered;
    if (Object.keys(start).length > 0) void this.router.navigate([], { queryParams: start, queryParamsHandling: 'merge', replaceUrl: true });
  }

  /** Reads the page the URL names. `quiet` keeps the rows on screen while re-reading for live changes. */
  protected async load(quiet = false): Promise<void> {
    const method = this.method();
    if (!method) return;
    const values = this.filterValues();
    for (const field of this.filters()) {
      const value = values[field.name];
      const text = value === undefined ? '' : field.kind === 'datetime' ? isoToLocal(String(value)) : String(value);
      this.filterControls.get(field.name)?.setValue(text, { emitEvent: false });
    }
    if (this.missingRequired().length > 0) {
      this.rows.set([]);
      this.nextCursor.set(null);
      return;
    }
    const params: Record<string, unknown> = { ...values };
    const paged = method.params.some((param) => param.name === 'limit');
    if (paged) {
      params['limit'] = this.pageSize();
      const cursor = this.cursor();
      if (cursor) params['cursor'] = cursor;
    }
    const sort = this.sortKey();
    if (sort && this.sortSupport()) {
      params['sort'] = sort;
      if (this.sortSupport()?.hasOrder && this.sortOrder()) params['order'] = this.sortOrder();
    }
    const request = ++this.request;
    this.loading.set(true);
    if (!quiet) this.error.set(null);
    try {
      const result = await this.api.call<Record<string, unknown>>(method.name, params);
      if (request !== this.request) return;
      const items = result['items'];
      // A list answers { items }; a command answering one record (licenses.describe) shows it as the one row.
      this.rows.set(Array.isArray(items) ? items : result && typeof result === 'object' ? [result] : []);
      this.nextCursor.set(typeof result['nextCursor'] === 'string' && result['nextCursor'] ? result['nextCursor'] : null);
      this.error.set(null);
      // Selected rows that left the page are no longer selected.
      const ids = new Set(this.rows().map((row) => this.idOf(row)));
      this.selected.set(new Set([...this.selected()].filter((id) => ids.has(id))));
      if (typeof values['tenant'] === 'string') localStorage.setItem(lastTenantKey, values['tenant']);
    } catch (error) {
      if (request === this.request) this.error.set(messageOf(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  /** Rows keep their elements across re-reads (a live update must not close a row's open menu). */
  protected readonly trackRow = (_index: number, row: unknown): string => this.idOf(row);

  protected idOf(row: unknown): string {
    const field = this.spec().rowId ?? (valueAt(row, 'id') !== undefined ? 'id' : 'name');
    return String(valueAt(row, field) ?? '');
  }

  protected readonly missingText = computed(() => this.missingRequired().map((field) => headerOf(field.name).toLowerCase()).join(' and '));

  protected header(path: string): string {
    return headerOf(path);
  }

  protected cell(row: unknown, path: string): string {
    return cellText(valueAt(row, path));
  }

  protected rowLink(row: unknown): string | null {
    const link = this.spec().rowLink;
    if (!link) return null;
    return link.replace(/:([A-Za-z0-9_]+)/g, (_match, field: string) => encodeURIComponent(String(valueAt(row, field) ?? '')));
  }

  protected sortable(path: string): boolean {
    return this.sortSupport()?.keys.includes(path) ?? false;
  }

  protected filterPicker(name: string): PickerHint | null {
    return this.method()?.['x-maestro']?.ui?.fields?.[name]?.picker ?? defaultFilterPickers[name] ?? null;
  }

  // --- URL changes: every control writes the query, the effect above reads the rows. ---

  private navigate(changes: Record<string, string | number | null>, keepCursor = false): void {
    if (!keepCursor) this.cursorStack = [];
    void this.router.navigate([], { queryParams: { ...(keepCursor ? {} : { cursor: null }), ...changes }, queryParamsHandling: 'merge' });
  }

  protected setFilter(name: string, value: unknown): void {
    const text = value === null || value === undefined ? '' : String(value).trim();
    if (text === (this.query().get(name) ?? '')) return;
    this.navigate({ [name]: text === '' ? null : text });
  }

  /** Several filters at once (the facet panel sets cloud and region, or a tag's key and value, together). */
  protected setFilters(changes: Record<string, string | null>): void {
    this.navigate(changes);
  }

  protected clearFilters(): void {
    const changes: Record<string, null> = {};
    for (const field of this.filters()) if (!field.required) changes[field.name] = null;
    this.navigate(changes);
  }

  protected onSort(sort: Sort): void {
    const support = this.sortSupport();
    if (!support) return;
    if (!sort.direction) this.navigate({ sort: null, order: null });
    else if (support.hasOrder) this.navigate({ sort: sort.active, order: sort.direction });
    else this.navigate({ sort: sort.direction === 'desc' ? `-${sort.active}` : sort.active });
  }

  protected next(): void {
    const cursor = this.nextCursor();
    if (!cursor) return;
    this.cursorStack.push(this.cursor() ?? '');
    this.navigate({ cursor }, true);
  }

  protected previous(): void {
    const cursor = this.cursorStack.pop();
    this.navigate({ cursor: cursor ? cursor : null }, true);
  }

  /** A datetime-local value (the user's local time) as the instant the server reads. */
  protected toIso(local: string): string {
    const date = new Date(local);
    return Number.isNaN(date.getTime()) ? '' : date.toISOString();
  }

  protected hasPrevious(): boolean {
    return this.cursor() !== null;
  }

  protected setPageSize(size: number): void {
    this.navigate({ limit: size === defaultPageSize ? null : size });
  }

  // --- Selection and actions ---

  protected toggle(row: unknown): void {
    const id = this.idOf(row);
    const next = new Set(this.selected());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected.set(next);
  }

  protected allSelected(): boolean {
    return this.rows().length > 0 && this.rows().every((row) => this.selected().has(this.idOf(row)));
  }

  protected toggleAll(): void {
    this.selected.set(this.allSelected() ? new Set() : new Set(this.rows().map((row) => this.idOf(row))));
  }

  protected actionsFor(row: unknown): ActionView[] {
    return this.rowActions().filter((view) => actionApplies(view.action, row));
  }

  protected selectedRows(): unknown[] {
    return this.rows().filter((row) => this.selected().has(this.idOf(row)));
  }

  protected bulkCount(view: ActionView): number {
    return this.selectedRows().filter((row) => actionApplies(view.action, row)).length;
  }

  protected openWizard(name: string): void {
    void this.router.navigate(commandRoute(name), { queryParams: this.contextInputs(name) });
  }

  /** The table's tenant and region go to a form opened from it, as a head start. */
  private contextInputs(name: string): Record<string, string> {
    const values = this.filterValues();
    const inputs: Record<string, string> = {};
    for (const key of ['tenant', 'region', 'customer']) if (typeof values[key] === 'string') inputs[key] = values[key] as string;
    return { ...inputs, returnUrl: this.router.url, _for: name };
  }

  protected async run(view: ActionView, rows: unknown[]): Promise<void> {
    const applicable = rows.filter((row) => actionApplies(view.action, row));
    if (applicable.length === 0) return;
    const perRow = applicable.map((row) => inputsFromRow(view.method, view.action, row, this.filterValues()));
    const missing = missingInputs(view.method, perRow[0]!);
    if (missing.length > 0 && applicable.length === 1) {
      // The action needs more than the row gives: its form, with what the row gives filled in.
      const prefilled = Object.fromEntries(Object.entries(perRow[0]!).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
      void this.router.navigate(commandRoute(view.method.name), { queryParams: { ...prefilled, returnUrl: this.router.url } });
      return;
    }
    if (missing.length > 0) {
      this.snackBar.open(`${view.action.label} needs ${missing.join(', ')} for each row; run it on one row at a time.`, 'Close', { duration: 8000 });
      return;
    }
    const question = view.method['x-maestro']?.ui?.confirm;
    const what = applicable.length === 1 ? this.idOf(applicable[0]) : `${applicable.length} rows`;
    if (question || applicable.length > 1) {
      const ok = await confirm(this.dialog, {
        title: `${view.action.label} ${what}?`,
        question: applicable.length > 1
          ? `${view.action.label} the ${applicable.length} selected rows?${question ? ` For each: ${question}` : ''}`
          : (question ?? ''),
        action: view.action.label,
      });
      if (!ok) return;
    }
    const results: unknown[] = await this.api.batch(callsForRows(view.method, perRow)).catch((error: unknown) => [error instanceof RpcError ? error : new RpcError(messageOf(error), 'internal', 0)]);
    const failures: RpcError[] = results.filter((result): result is RpcError => result instanceof RpcError);
    const done = results.length - failures.length;
    const message = failures.length === 0
      ? `${view.action.label}: done for ${what}.`
      : `${view.action.label}: ${done} done, ${failures.length} failed: ${failures[0]!.message}`;
    this.snackBar.open(message, 'Close', { duration: failures.length ? 12000 : 4000 });
    this.selected.set(new Set());
    await this.load(true);
  }
}
