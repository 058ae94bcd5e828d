import { Component, effect, inject, input, output, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { ApiService } from '../../core/api.service';
import { messageOf } from '../../core/rpc-error';

interface TenantRow {
  name: string;
  displayName?: string;
  customer?: string;
}

/** Tenants listed in the selector; a user with more picks through the tables' tenant filter. */
const tenantLimit = 200;

/**
 * The tenant a bespoke page shows: a labelled select over tenants.describe, shown only when the
 * user sees more than one tenant (with exactly one, that one is chosen at once). The page keeps
 * the choice (URL and last tenant); this only offers it.
 */
@Component({
  selector: 'app-tenant-select',
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    @if (tenants().length > 1 || (tenants().length === 0 && !value()) || (allLabel() && tenants().length > 0)) {
      <mat-form-field class="tenant" subscriptSizing="dynamic">
        <mat-label>Tenant</mat-label>
        <mat-select [value]="value() ?? ''" (valueChange)="chosen.emit($event)" data-testid="tenant-select" [disabled]="tenants().length === 0">
          @if (allLabel()) {
            <mat-option value="">{{ allLabel() }}</mat-option>
          }
          @for (tenant of tenants(); track tenant.name) {
            <mat-option [value]="tenant.name">{{ tenant.displayName || tenant.name }}{{ tenant.customer ? ' · ' + tenant.customer : '' }}</mat-option>
          }
        </mat-select>
        @if (problem()) {
          <mat-hint class="problem">{{ problem() }}</mat-hint>
        }
      </mat-form-field>
    }
  `,
  styles: `.tenant { width: 280px; max-width: 100%; } .problem { color: var(--mat-sys-error); }`,
})
export class TenantSelect {
  private readonly api = inject(ApiService);
  readonly value = input<string | null>(null);
  /** Offer "every tenant" (the empty value) under this label, for commands where the tenant is optional. */
  readonly allLabel = input<string | null>(null);
  readonly chosen = output<string>();
  protected readonly tenants = signal<TenantRow[]>([]);
  protected readonly problem = signal<string | null>(null);

  constructor() {
    void this.load();
    // With one tenant there is nothing to choose: take it.
    effect(() => {
      const only = this.tenants();
      if (only.length === 1 && !this.allLabel() && this.value() !== only[0]!.name) this.chosen.emit(only[0]!.name);
    });
  }

  private async load(): Promise<void> {
    try {
      const result = await this.api.call<{ items?: TenantRow[] }>('tenants.describe', { limit: tenantLimit });
      this.tenants.set((result.items ?? []).filter((row) => typeof row?.name === 'string'));
    } catch (error) {
      this.problem.set(`The tenants could not be listed: ${messageOf(error)}`);
    }
  }
}
