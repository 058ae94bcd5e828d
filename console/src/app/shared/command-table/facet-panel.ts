import { Component, effect, inject, input, output, signal, untracked } from '@angular/core';
import { MatChipsModule } from '@angular/material/chips';
import { MatIconModule } from '@angular/material/icon';
import { ApiService } from '../../core/api.service';
import { messageOf } from '../../core/rpc-error';

interface Facets {
  clouds: { cloud: string; count: number; regions: { name: string; count: number }[] }[];
  types: { type: string; count: number; more?: boolean; tags: { key: string; count: number; more?: boolean; values: { value: string; count: number }[] }[] }[];
}

/**
 * The Management filter panel (seed figure): cloud → its regions, and resource type → tag key →
 * tag value, nested, with counts from the facets command under the current filters. A choice
 * sets URL filters like any other; choosing again clears it and what hangs below it.
 */
@Component({
  selector: 'app-facet-panel',
  imports: [MatChipsModule, MatIconModule],
  template: `
    <section class="facets" aria-label="Filter by cloud, type and tag" data-testid="facet-panel">
      @if (problem()) {
        <p class="problem" role="alert">{{ problem() }}</p>
      }
      @if (facets(); as facets) {
        <div class="level">
          <span class="name">Cloud</span>
          <mat-chip-listbox aria-label="Cloud">
            @for (cloud of facets.clouds; track cloud.cloud) {
              <mat-chip-option [selected]="values()['cloud'] === cloud.cloud" (click)="choose({ cloud: cloud.cloud, region: null }, 'cloud', cloud.cloud)"
                [attr.data-testid]="'facet-cloud-' + cloud.cloud">{{ cloud.cloud }} ({{ cloud.count }})</mat-chip-option>
            }
          </mat-chip-listbox>
        </div>
        @for (cloud of facets.clouds; track cloud.cloud) {
          @if (values()['cloud'] === cloud.cloud) {
            <div class="level nested">
              <span class="name">Region</span>
              <mat-chip-listbox aria-label="Region">
                @for (region of cloud.regions; track region.name) {
                  <mat-chip-option [selected]="values()['region'] === region.name" (click)="choose({ region: region.name }, 'region', region.name)"
                    [attr.data-testid]="'facet-region-' + region.name">{{ region.name }} ({{ region.count }})</mat-chip-option>
                }
              </mat-chip-listbox>
            </div>
          }
        }
        <div class="level">
          <span class="name">Resource type</span>
          <mat-chip-listbox aria-label="Resource type">
            @for (type of facets.types; track type.type) {
              <mat-chip-option [selected]="values()['type'] === type.type" (click)="choose({ type: type.type, tagKey: null, tagValue: null }, 'type', type.type)"
                [attr.data-testid]="'facet-type-' + type.type">{{ type.type }} ({{ type.count }})</mat-chip-option>
            }
          </mat-chip-listbox>
        </div>
        @for (type of facets.types; track type.type) {
          @if (values()['type'] === type.type) {
            <div class="level nested">
              <span class="name">Tag name</span>
              <mat-chip-listbox aria-label="Tag name">
                @for (tag of type.tags; track tag.key) {
                  <mat-chip-option [selected]="values()['tagKey'] === tag.key" (click)="choose({ tagKey: tag.key, tagValue: null }, 'tagKey', tag.key)"
                    [attr.data-testid]="'facet-tag-' + tag.key">{{ tag.key }} ({{ tag.count }})</mat-chip-option>
                }
                @if (type.more) { <span class="more">and more: type a tag name in the filters</span> }
              </mat-chip-listbox>
            </div>
            @for (tag of type.tags; track tag.key) {
              @if (values()['tagKey'] === tag.key) {
                <div class="level nested2">
                  <span class="name">Tag value</span>
                  <mat-chip-listbox aria-label="Tag value">
                    @for (value of tag.values; track value.value) {
                      <mat-chip-option [selected]="values()['tagValue'] === value.value" (click)="choose({ tagValue: value.value }, 'tagValue', value.value)"
                        [attr.data-testid]="'facet-value-' + value.value">{{ value.value }} ({{ value.count }})</mat-chip-option>
                    }
                  </mat-chip-listbox>
                </div>
              }
            }
          }
        }
      }
    </section>
  `,
  styles: `
    .facets { display: flex; flex-direction: column; gap: 6px; margin-bottom: 8px; }
    .level { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    .nested { padding-left: 16px; }
    .nested2 { padding-left: 32px; }
    .name { min-width: 96px; font-size: 13px; color: var(--mat-sys-on-surface-variant); }
    .more { font-size: 12px; opacity: 0.7; }
    .problem { color: var(--mat-sys-error); }
  `,
})
export class FacetPanel {
  private readonly api = inject(ApiService);
  readonly command = input.required<string>();
  /** The table's current filters (the facets are counted under them). */
  readonly values = input.required<Record<string, unknown>>();
  /** Re-count when this changes (live changes, re-read). */
  readonly version = input(0);
  readonly changed = output<Record<string, string | null>>();
  protected readonly facets = signal<Facets | null>(null);
  protected readonly problem = signal<string | null>(null);
  private request = 0;

  constructor() {
    effect(() => {
      const values = this.values();
      this.version();
      untracked(() => void this.load(values));
    });
  }

  private async load(values: Record<string, unknown>): Promise<void> {
    if (!values['tenant']) return;
    const request = ++this.request;
    try {
      const facets = await this.api.call<Facets>(this.command(), values);
      if (request === this.request) {
        this.facets.set(facets);
        this.problem.set(null);
      }
    } catch (error) {
      if (request === this.request) this.problem.set(messageOf(error));
    }
  }

  protected choose(changes: Record<string, string | null>, field: string, value: string): void {
    // The chosen chip again: clear it and the levels below it.
    if (this.values()[field] === value) {
      const cleared: Record<string, null> = {};
      for (const key of Object.keys(changes)) cleared[key] = null;
      this.changed.emit(cleared);
    } else {
      this.changed.emit(changes);
    }
  }
}
