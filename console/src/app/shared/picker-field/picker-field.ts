import { Component, DestroyRef, computed, effect, inject, input, output, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { Subject, debounceTime } from 'rxjs';
import { ApiService } from '../../core/api.service';
import { DiscoveryService } from '../../core/discovery.service';
import type { PickerHint } from '../../core/ui-hints';
import { messageOf } from '../../core/rpc-error';
import { type PickerOption, readPickerPage } from './picker-source';

/** Typing pauses this long before the server is asked. */
const searchDelayMs = 250;

/**
 * A field whose value is chosen from another command's list (mat-autocomplete): server-side
 * search when the command has a search input, a "more" entry paging on by cursor, and nothing
 * asked until the fields it depends on have values.
 */
@Component({
  selector: 'app-picker-field',
  imports: [ReactiveFormsModule, MatAutocompleteModule, MatFormFieldModule, MatInputModule, MatProgressSpinnerModule],
  template: `
    <mat-form-field appearance="outline" class="field" subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <input
        matInput
        [formControl]="control()"
        [matAutocomplete]="auto"
        [required]="required()"
        [placeholder]="missing().length > 0 ? 'Choose ' + missing().join(', ') + ' first' : placeholder()"
        [attr.data-testid]="testId()"
        (input)="typed($any($event.target).value)"
        (focus)="opened()"
        autocomplete="off"
      />
      @if (loading()) {
        <mat-spinner matSuffix diameter="18" aria-label="Loading choices" />
      }
      <mat-autocomplete #auto="matAutocomplete" (optionSelected)="chosen($event.option.value)">
        @for (option of options(); track option.value) {
          <mat-option [value]="option.value" [attr.data-testid]="testId() + '-option-' + option.value">
            <span>{{ option.label }}</span>
            @if (option.detail) {
              <small class="detail"> · {{ option.detail }}</small>
            }
          </mat-option>
        }
        @if (nextCursor()) {
          <mat-option [value]="moreMarker" class="more" [attr.data-testid]="testId() + '-more'">More…</mat-option>
        }
        @if (problem()) {
          <mat-option disabled>{{ problem() }}</mat-option>
        } @else if (!loading() && options().length === 0 && missing().length === 0) {
          <mat-option disabled>Nothing to choose{{ text() ? ' matching "' + text() + '"' : '' }}</mat-option>
        }
      </mat-autocomplete>
      @if (help()) {
        <mat-hint>{{ help() }}</mat-hint>
      }
      @if (error()) {
        <mat-error>{{ error() }}</mat-error>
      }
    </mat-form-field>
  `,
  styles: `.field { width: 100%; } .detail { opacity: 0.7; }`,
})
export class PickerField {
  private readonly api = inject(ApiService);
  private readonly discovery = inject(DiscoveryService);

  readonly control = input.required<FormControl>();
  readonly hint = input.required<PickerHint>();
  /** The picker command's inputs, '$field' already replaced. */
  readonly params = input<Record<string, unknown>>({});
  /** Fields that must have values before this picker can ask. */
  readonly missing = input<string[]>([]);
  readonly label = input.required<string>();
  readonly placeholder = input('');
  readonly help = input('');
  readonly required = input(false);
  readonly error = input<string | null>(null);
  readonly testId = input('picker');
  readonly dense = input(false);
  /** A choice from the list (not typed text). */
  readonly picked = output<string>();

  protected readonly moreMarker = '\u0000more';
  protected readonly options = signal<PickerOption[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly text = signal('');
  private readonly searches = new Subject<void>();
  private request = 0;
  /** The picker command's input names, read once. */
  private inputs: Set<string> | null = null;
  private readonly paramsKey = computed(() => JSON.stringify([this.hint().command, this.params(), this.missing()]));

  constructor() {
    const subscription = this.searches.pipe(debounceTime(searchDelayMs)).subscribe(() => void this.load(false));
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
    // The parent fields changed: what was offered no longer holds.
    effect(() => {
      this.paramsKey();
      this.options.set([]);
      this.nextCursor.set(null);
    });
  }

  protected opened(): void {
    if (this.options().length === 0) void this.load(false);
  }

  protected typed(text: string): void {
    this.text.set(text);
    this.searches.next();
  }

  protected chosen(value: string): void {
    if (value !== this.moreMarker) {
      this.picked.emit(value);
      return;
    }
    // "More…" is not a value: restore the text and read the next page.
    this.control().setValue(this.text(), { emitEvent: false });
    void this.load(true);
  }

  private async load(more: boolean): Promise<void> {
    if (this.missing().length > 0) return;
    const request = ++this.request;
    this.loading.set(true);
    this.problem.set(null);
    try {
      this.inputs ??= new Set(((await this.discovery.find(this.hint().command))?.params ?? []).map((param) => param.name));
      const inputs = this.inputs;
      // A search input the command does not (yet) take is not sent: the typed text then narrows what was read.
      const hint = this.hint().search && !inputs.has(this.hint().search!) ? { ...this.hint(), search: undefined } : this.hint();
      const page = await readPickerPage(this.api, hint, this.params(), this.text(), more ? this.nextCursor() : null, inputs.has('limit'));
      if (request !== this.request) return;
      this.options.set(more ? [...this.options(), ...page.options] : page.options);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (request === this.request) this.problem.set(messageOf(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }
}
