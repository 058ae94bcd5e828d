import { Component, DestroyRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { NgTemplateOutlet } from '@angular/common';
import { MatStepper, MatStepperModule } from '@angular/material/stepper';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatDialog } from '@angular/material/dialog';
import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { ApiService } from '../../core/api.service';
import type { RpcMethod } from '../../core/openrpc';
import { RpcError, messageOf } from '../../core/rpc-error';
import { PickerField } from '../picker-field/picker-field';
import { resolvePickerParams } from '../picker-field/picker-source';
import { confirm } from '../confirm-dialog/confirm-dialog';
import { type FormField, controlValueFromText, errorText, formFieldsOf, inputsOf, isGiven, isVisible, reviewText } from './form-model';

interface Step {
  title: string;
  fields: FormField[];
}

/**
 * ONE form for any command, from its published input schema and UI hints: a wizard with steps,
 * Prev/Next and a review step when the hints give steps, else one page. Pickers read other
 * commands (dependent on earlier fields, cleared when those change), fields show per showWhen,
 * the hint's confirm question is asked before running, and the server's complaints land at the
 * field they name.
 */
@Component({
  selector: 'app-command-form',
  imports: [
    NgTemplateOutlet,
    ReactiveFormsModule,
    MatStepperModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatCheckboxModule,
    MatChipsModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    PickerField,
  ],
  templateUrl: './command-form.html',
  styleUrl: './command-form.scss',
})
export class CommandForm {
  private readonly api = inject(ApiService);
  private readonly dialog = inject(MatDialog);
  private readonly destroyRef = inject(DestroyRef);

  readonly method = input.required<RpcMethod>();
  /** Values to start from (query parameters of a link into the form), as text. */
  readonly initial = input<Record<string, string>>({});
  readonly succeeded = output<unknown>();

  protected readonly fields = signal<FormField[]>([]);
  protected readonly values = signal<Record<string, unknown>>({});
  protected readonly running = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly chipKeys = [ENTER, COMMA];
  private readonly stepper = viewChild(MatStepper);
  private readonly scratch = new Map<string, FormControl>();

  protected readonly title = computed(() => this.method()['x-maestro']?.ui?.title ?? this.method().summary ?? this.method().name);
  protected readonly steps = computed<Step[]>(() => {
    const fields = this.fields();
    const hinted = this.method()['x-maestro']?.ui?.steps ?? [];
    if (hinted.length === 0) return [];
    const byName = new Map(fields.map((field) => [field.name, field]));
    const steps = hinted.map((step) => ({ title: step.title, fields: step.fields.flatMap((name) => byName.get(name) ?? []) }));
    const placed = new Set(hinted.flatMap((step) => step.fields));
    const rest = fields.filter((field) => !placed.has(field.name) && field.kind !== 'hidden');
    return rest.length > 0 ? [...steps, { title: 'More', fields: rest }] : steps;
  });

  constructor() {
    effect(() => {
      const method = this.method();
      untracked(() => this.build(method));
    });
  }

  private build(method: RpcMethod): void {
    const fields = formFieldsOf(method);
    const initial = this.initial();
    for (const field of fields) {
      const text = initial[field.name];
      if (text !== undefined) field.control.setValue(controlValueFromText(field, text));
    }
    this.fields.set(fields);
    this.values.set(this.currentValues());
    for (const field of fields) {
      const subscription = field.control.valueChanges.subscribe(() => this.changed(field));
      this.destroyRef.onDestroy(() => subscription.unsubscribe());
    }
  }

  private currentValues(): Record<string, unknown> {
    return Object.fromEntries(this.fields().map((field) => [field.name, field.control.value]));
  }

  /** A field changed: the fields depending on it start over (their old choice may not exist under the new parent). */
  private changed(field: FormField): void {
    for (const other of this.fields()) {
      if (other.dependsOn.includes(field.name) && other.picker && isGiven(other.control.value)) {
        other.control.setValue(other.kind === 'pickerList' ? [] : '');
      }
    }
    this.values.set(this.currentValues());
  }

  protected visible(field: FormField): boolean {
    return isVisible(field, this.values());
  }

  protected visibleFields(fields: FormField[]): FormField[] {
    return fields.filter((field) => this.visible(field));
  }

  protected pickerParams(field: FormField) {
    return resolvePickerParams(field.picker!, this.values());
  }

  protected errorOf(field: FormField): string | null {
    return errorText(field);
  }

  protected review(field: FormField): string {
    return reviewText(field, this.values()[field.name]);
  }

  /** A step may be left when its showing fields are valid. */
  protected stepValid(step: Step): boolean {
    return this.visibleFields(step.fields).every((field) => field.control.valid);
  }

  protected touchStep(step: Step): void {
    for (const field of step.fields) field.control.markAsTouched();
  }

  protected addChip(field: FormField, event: MatChipInputEvent): void {
    const text = event.value.trim();
    if (text) {
      if (field.kind === 'tags' && !text.includes('=')) {
        field.control.setErrors({ server: 'Write a tag as key=value.' });
        field.control.markAsTouched();
        return;
      }
      field.control.setValue([...(field.control.value as string[]), text]);
    }
    event.chipInput.clear();
  }

  /** A choice of a picker on an array input joins the chosen ones (once). */
  protected addPicked(field: FormField, value: string, scratch: FormControl): void {
    const chosen = field.control.value as string[];
    if (!chosen.includes(value)) field.control.setValue([...chosen, value]);
    scratch.setValue('');
  }

  /** A scratch control per picker-on-array field: what is typed before a choice joins the list. */
  protected scratchFor(field: FormField): FormControl {
    let scratch = this.scratch.get(field.name);
    if (!scratch) {
      scratch = new FormControl('');
      this.scratch.set(field.name, scratch);
    }
    return scratch;
  }

  /** The file widget: a text file (a public key, a script) read into the field. */
  protected async loadFile(field: FormField, input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    field.control.setValue(await file.text());
    field.control.markAsTouched();
    input.value = '';
  }

  protected removeChip(field: FormField, chip: string): void {
    field.control.setValue((field.control.value as string[]).filter((value) => value !== chip));
  }

  async submit(): Promise<void> {
    const showing = this.fields().filter((field) => this.visible(field));
    for (const field of showing) field.control.markAsTouched();
    const invalid = showing.find((field) => field.control.invalid);
    if (invalid) {
      this.goToField(invalid.name);
      this.error.set(`Check ${invalid.label}: ${errorText(invalid) ?? 'it is not valid'}`);
      return;
    }
    const question = this.method()['x-maestro']?.ui?.confirm;
    if (question && !(await confirm(this.dialog, { title: this.title(), question, action: 'Run' }))) return;
    this.running.set(true);
    this.error.set(null);
    try {
      const result = await this.api.call(this.method().name, inputsOf(this.fields(), this.values()));
      this.succeeded.emit(result);
    } catch (error) {
      this.showServerError(error);
    } finally {
      this.running.set(false);
    }
  }

  /** The server's complaint at the fields it names (invalid_input details), else at the top. */
  private showServerError(error: unknown): void {
    this.error.set(messageOf(error));
    if (!(error instanceof RpcError)) return;
    const byField = error.fieldErrors();
    let first: string | null = null;
    for (const field of this.fields()) {
      const message = byField[field.name];
      if (!message) continue;
      field.control.setErrors({ server: message });
      field.control.markAsTouched();
      first ??= field.name;
    }
    if (first) this.goToField(first);
  }

  private goToField(name: string): void {
    const stepper = this.stepper();
    if (!stepper) return;
    const index = this.steps().findIndex((step) => step.fields.some((field) => field.name === name));
    if (index >= 0) stepper.selectedIndex = index;
  }
}
