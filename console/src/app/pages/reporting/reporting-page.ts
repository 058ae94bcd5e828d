import { Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTableModule } from '@angular/material/table';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ApiService } from '../../core/api.service';
import { LiveService } from '../../core/live.service';
import { messageOf } from '../../core/rpc-error';
import { headerOf } from '../../shared/values';
import { downloadText, toCsv } from '../bespoke-support/csv';
import { TenantSelect } from '../bespoke-support/tenant-select';
import { ReportChart } from './report-chart';
import {
  type Report,
  type ReportKind,
  chartSeriesOf,
  groupings,
  kindLabels,
  periodPresets,
  periods,
  rangeProblem,
  reportFrom,
  reportKinds,
  resourceTypes,
} from './report-model';

/**
 * Reporting: the billing.report kinds (total, subtotal, per resource, hourly, by tag) over a
 * period, as a chart and a table, with a CSV download of the table. Every choice is in the URL,
 * so a report can be bookmarked and shared; the report is read again when a choice changes.
 */
@Component({
  selector: 'app-reporting-page',
  imports: [MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule, MatTableModule, MatProgressBarModule, TenantSelect, ReportChart],
  templateUrl: './reporting-page.html',
  styleUrl: './reporting-page.scss',
})
export class ReportingPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly live = inject(LiveService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  protected readonly kinds = reportKinds;
  protected readonly kindLabels = kindLabels;
  protected readonly groupings = groupings;
  protected readonly periods = periods;
  protected readonly resourceTypes = resourceTypes;
  protected readonly presets = periodPresets;

  private readonly defaultRange = periodPresets[0]!.range(new Date());
  protected readonly kind = computed<ReportKind>(() => {
    const asked = this.query().get('kind');
    return (reportKinds as readonly string[]).includes(asked ?? '') ? (asked as ReportKind) : 'subtotal';
  });
  protected readonly tenant = computed(() => this.query().get('tenant') ?? '');
  protected readonly from = computed(() => this.query().get('from') ?? this.defaultRange.from);
  protected readonly to = computed(() => this.query().get('to') ?? this.defaultRange.to);
  protected readonly by = computed(() => this.query().get('by') ?? 'region');
  protected readonly period = computed(() => this.query().get('period') ?? 'all');
  protected readonly resourceType = computed(() => this.query().get('resourceType') ?? '');
  protected readonly region = computed(() => this.query().get('region') ?? '');
  protected readonly tagKey = computed(() => this.query().get('tagKey') ?? '');
  protected readonly preset = computed(() => {
    const today = new Date();
    return periodPresets.find((preset) => {
      const range = preset.range(today);
      return range.from === this.from() && range.to === this.to();
    })?.id ?? 'custom';
  });

  protected readonly problem = computed(() => {
    const range = rangeProblem(this.from(), this.to());
    if (range) return range;
    if (this.kind() === 'tag' && !this.tagKey().trim()) return 'A report by tag needs a tag key: type the tag name to group costs by.';
    return null;
  });
  protected readonly report = signal<Report | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly series = computed(() => {
    const report = this.report();
    return report && report.rows.length > 0 ? chartSeriesOf(report) : null;
  });
  protected readonly chartLabel = computed(() => {
    const report = this.report();
    return report ? `${kindLabels[report.kind]} cost from ${report.from} to ${report.to}, ${report.rows.length} rows; the table below has the numbers.` : '';
  });
  private request = 0;

  constructor() {
    effect(() => {
      this.query();
      this.live.reread();
      untracked(() => void this.load());
    });
  }

  private params(): Record<string, unknown> {
    const kind = this.kind();
    const params: Record<string, unknown> = { kind, from: this.from(), to: this.to() };
    if (this.tenant()) params['tenant'] = this.tenant();
    if (kind === 'subtotal') params['by'] = this.by();
    if ((kind === 'total' || kind === 'subtotal') && this.period() !== 'all') params['period'] = this.period();
    if (this.resourceType()) params['resourceType'] = this.resourceType();
    if (this.region().trim()) params['region'] = this.region().trim();
    if (kind === 'tag') params['tagKey'] = this.tagKey().trim();
    return params;
  }

  private async load(): Promise<void> {
    const request = ++this.request;
    if (this.problem()) {
      this.report.set(null);
      this.error.set(null);
      return;
    }
    this.loading.set(true);
    this.error.set(null);
    try {
      const report = reportFrom(await this.api.call('billing.report', this.params()));
      if (request === this.request) this.report.set(report);
    } catch (error) {
      if (request === this.request) {
        this.report.set(null);
        this.error.set(messageOf(error));
      }
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  protected set(changes: Record<string, string | null>): void {
    const cleaned = Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value === '' ? null : value]));
    void this.router.navigate([], { queryParams: cleaned, queryParamsHandling: 'merge' });
  }

  protected choosePreset(id: string): void {
    const preset = periodPresets.find((entry) => entry.id === id);
    if (preset) this.set(preset.range(new Date()));
  }

  protected header(column: string): string {
    return headerOf(column);
  }

  protected numeric(column: string): boolean {
    return column === 'cost' || column === 'billedHours';
  }

  protected cell(value: unknown): string {
    return value === null || value === undefined || value === '' ? '—' : String(value);
  }

  /** The table as it is on screen, every row and column, exact costs. */
  protected downloadCsv(): void {
    const report = this.report();
    if (!report) return;
    const who = this.tenant() || 'all-tenants';
    const name = `maestro-${report.kind}-${who}-${report.from}-${report.to}`.replace(/[^\w.-]+/g, '_');
    downloadText(toCsv(report.columns, report.rows), `${name}.csv`);
  }
}
