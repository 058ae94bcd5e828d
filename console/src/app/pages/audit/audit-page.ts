import { Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { ApiService } from '../../core/api.service';
import { DiscoveryService } from '../../core/discovery.service';
import type { ListSpec } from '../../core/page-registry';
import { messageOf } from '../../core/rpc-error';
import { CommandTable } from '../../shared/command-table/command-table';
import { filterFieldsOf, filterValuesFrom } from '../../shared/list-query';
import { download, exportAuditLog, exportCap } from './audit-export';

/** The audit log (events.describe, newest first by default) with its filters, and the CADF export of what they select. */
@Component({
  selector: 'app-audit-page',
  imports: [CommandTable, MatButtonModule, MatIconModule],
  template: `
    <div class="head">
      <h1 class="title">Audit</h1>
      <button mat-stroked-button type="button" (click)="export()" [disabled]="exporting()" data-testid="audit-export">
        <mat-icon>download</mat-icon>Export CADF
      </button>
      @if (status()) {
        <span role="status" data-testid="audit-export-status">{{ status() }}</span>
      }
    </div>
    <app-command-table [spec]="list" />
  `,
  styles: `
    .head { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-bottom: 8px; }
    .title { margin: 4px 0; font-size: 24px; font-weight: 400; flex: 1 1 auto; }
  `,
})
export class AuditPage {
  private readonly api = inject(ApiService);
  private readonly discovery = inject(DiscoveryService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });
  protected readonly exporting = signal(false);
  protected readonly status = signal<string | null>(null);
  protected readonly list: ListSpec = {
    command: 'events.describe',
    rowId: 'id',
    filters: ['order', 'tenant', 'type', 'action', 'outcome', 'actor', 'resource', 'region', 'from', 'to'],
    defaults: { order: 'newest' },
    liveTypes: ['*'],
  };

  /** Exports what the table's filters select (in the URL), as one JSON file of CADF records. */
  protected async export(): Promise<void> {
    this.exporting.set(true);
    this.status.set('Exporting…');
    try {
      const method = await this.discovery.require('events.export');
      const filters = filterValuesFrom(this.query(), filterFieldsOf(method));
      const { records, truncated } = await exportAuditLog(this.api, filters, (count) => this.status.set(`Exporting… ${count} records`));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      download(`maestro-audit-${stamp}.cadf.json`, JSON.stringify(records, null, 2), 'application/json');
      this.status.set(
        truncated
          ? `Exported the first ${exportCap} records; narrow the filters (time, tenant) to export the rest.`
          : `Exported ${records.length} records.`,
      );
    } catch (error) {
      this.status.set(messageOf(error));
    } finally {
      this.exporting.set(false);
    }
  }
}
