import { FormControl, type ValidatorFn, Validators } from '@angular/forms';
import type { JsonSchema, RpcMethod } from '../../core/openrpc';
import type { FieldHint, FieldWidget, PickerHint, ShowWhen } from '../../core/ui-hints';
import { mainSchema } from '../list-query';
import { headerOf } from '../values';

/** How a field is entered: the hint's widget, else one derived from its schema. */
export type FieldKind = FieldWidget | 'list' | 'multiselect' | 'pickerList';

export interface FormField {
  name: string;
  label: string;
  help: string;
  placeholder: string;
  kind: FieldKind;
  required: boolean;
  schema: JsonSchema;
  options: string[];
  picker: PickerHint | null;
  showWhen: ShowWhen | null;
  dependsOn: string[];
  control: FormControl;
}

/** Inputs a form never asks for: the table's paging. */
const notAsked = new Set(['cursor', 'limit']);

function isDateTime(schema: JsonSchema): boolean {
  return schema.format === 'date-time' || (schema.anyOf ?? schema.oneOf ?? []).some((variant) => variant.format === 'date-time');
}

function kindOf(schema: JsonSchema, full: JsonSchema, hint: FieldHint | undefined): FieldKind {
  // A picker on an array input chooses several (chips).
  if (hint?.picker) return schema.type === 'array' ? 'pickerList' : 'picker';
  if (hint?.widget) return hint.widget;
  if (isDateTime(full)) return 'datetime';
  if (schema.enum) return 'select';
  if (schema.type === 'boolean') return 'checkbox';
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.type === 'array') {
    const items = mainSchema(schema.items ?? {});
    if (items.enum) return 'multiselect';
    if (items.type === 'string' || items.type === 'number' || items.type === 'integer') return 'list';
    return 'code';
  }
  if (schema.type === 'object') {
    // A map of strings (tags): key=value chips; any other object is typed as JSON.
    const values = typeof schema.additionalProperties === 'object' ? mainSchema(schema.additionalProperties) : null;
    return !schema.properties && values?.type === 'string' ? 'tags' : 'code';
  }
  return 'text';
}

function validatorsOf(schema: JsonSchema, required: boolean, kind: FieldKind): ValidatorFn[] {
  const validators: ValidatorFn[] = [];
  if (required && kind !== 'checkbox') validators.push(Validators.required);
  if (kind === 'number') {
    const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (schema.type === 'integer' ? 1 : Number.EPSILON) : undefined);
    const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (schema.type === 'integer' ? 1 : Number.EPSILON) : undefined);
    if (min !== undefined && min > Number.MIN_SAFE_INTEGER) validators.push(Validators.min(min));
    if (max !== undefined && max < Number.MAX_SAFE_INTEGER) validators.push(Validators.max(max));
    if (schema.type === 'integer') validators.push(Validators.pattern(/^-?\d+$/));
  }
  if (kind === 'text' || kind === 'textarea' || kind === 'password' || kind === 'file' || (kind === 'picker' && schema.type === 'string')) {
    if (schema.minLength !== undefined && schema.minLength > 1) validators.push(Validators.minLength(schema.minLength));
    if (schema.maxLength !== undefined) validators.push(Validators.maxLength(schema.maxLength));
    if (schema.pattern) validators.push(Validators.pattern(new RegExp(schema.pattern, 'u')));
  }
  if (kind === 'code') validators.push(jsonValidator);
  return validators;
}

const jsonValidator: ValidatorFn = (control) => {
  const text = typeof control.value === 'string' ? control.value.trim() : '';
  if (text === '') return null;
  try {
    JSON.parse(text);
    return null;
  } catch {
    return { json: true };
  }
};

/** One form field per command input, with the hint's words, its widget and the schema's checks. */
export function formFieldsOf(method: RpcMethod): FormField[] {
  const hints = method['x-maestro']?.ui?.fields ?? {};
  return method.params
    .filter((param) => !notAsked.has(param.name))
    .map((param) => {
      const hint = hints[param.name];
      const schema = mainSchema(param.schema);
      const kind = kindOf(schema, param.schema, hint);
      const initial = initialValue(kind, param.schema.default ?? schema.default);
      return {
        name: param.name,
        label: hint?.label ?? headerOf(param.name),
        help: hint?.help ?? param.description ?? schema.description ?? '',
        placeholder: hint?.placeholder ?? '',
        kind,
        required: param.required && param.schema.default === undefined,
        schema,
        options: (schema.enum ?? mainSchema(schema.items ?? {}).enum ?? []).map(String),
        picker: hint?.picker ?? null,
        showWhen: hint?.showWhen ?? null,
        dependsOn: hint?.dependsOn ?? [],
        control: new FormControl(initial, validatorsOf(schema, param.required && param.schema.default === undefined, kind)),
      };
    });
}

function initialValue(kind: FieldKind, fallback: unknown): unknown {
  if (kind === 'checkbox') return fallback === true;
  if (kind === 'list' || kind === 'tags' || kind === 'multiselect' || kind === 'pickerList') return Array.isArray(fallback) ? fallback.map(String) : [];
  if (kind === 'code') return fallback === undefined ? '' : JSON.stringify(fallback, null, 2);
  if (fallback === undefined || fallback === null) return '';
  return String(fallback);
}

/** A query parameter (a link into the form, a row's values) as the field's control value. */
export function controlValueFromText(field: FormField, text: string): unknown {
  switch (field.kind) {
    case 'checkbox':
      return text === 'true';
    case 'list':
    case 'multiselect':
    case 'pickerList':
      return text.startsWith('[') ? safeJson(text, []) : text.split(',').map((part) => part.trim()).filter(Boolean);
    case 'tags': {
      const record = safeJson(text, {}) as Record<string, unknown>;
      return Object.entries(record).map(([key, value]) => `${key}=${String(value)}`);
    }
    case 'datetime':
      return isoToLocal(text);
    default:
      return text;
  }
}

function safeJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** An ISO instant as a datetime-local input's value in the user's time zone. */
export function isoToLocal(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Whether a value counts as given (showWhen.present, required checks). */
export function isGiven(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A field shows when its showWhen holds on the current values (a hidden widget never shows). */
export function isVisible(field: FormField, values: Record<string, unknown>): boolean {
  if (field.kind === 'hidden') return false;
  const when = field.showWhen;
  if (!when) return true;
  const value = values[when.field];
  if (when.equals !== undefined) return String(value) === String(when.equals);
  return when.present === false ? !isGiven(value) : isGiven(value);
}

/**
 * The command's inputs from the form: only fields that show and have a value, each converted to
 * its schema's type (numbers, booleans, arrays, key=value tags to an object, JSON, instants).
 */
export function inputsOf(fields: readonly FormField[], values: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind !== 'hidden' && !isVisible(field, values)) continue;
    if (field.kind === 'checkbox') {
      if (field.required || value !== (field.schema.default ?? false)) inputs[field.name] = value === true;
      continue;
    }
    if (!isGiven(value)) continue;
    inputs[field.name] = converted(field, value);
  }
  return inputs;
}

function converted(field: FormField, value: unknown): unknown {
  switch (field.kind) {
    case 'number':
      return Number(value);
    case 'list': {
      const itemType = mainSchema(field.schema.items ?? {}).type;
      const list = (value as string[]).map(String);
      return itemType === 'integer' || itemType === 'number' ? list.map(Number) : list;
    }
    case 'multiselect':
    case 'pickerList':
      return value;
    case 'tags':
      return Object.fromEntries((value as string[]).map((pair) => {
        const at = pair.indexOf('=');
        return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      }));
    case 'code':
      return JSON.parse(String(value));
    case 'datetime': {
      const date = new Date(String(value));
      return Number.isNaN(date.getTime()) ? value : date.toISOString();
    }
    default:
      return typeof value === 'string' ? value.trim() : value;
  }
}

/** A value as the review step and the result show it. */
export function reviewText(field: FormField, value: unknown): string {
  if (field.kind === 'password') return isGiven(value) ? '••••••••' : '—';
  if (field.kind === 'checkbox') return value === true ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return isGiven(value) ? String(value) : '—';
}

/** A control's complaint as one sentence. */
export function errorText(field: FormField): string | null {
  const errors = field.control.errors;
  if (!errors) return null;
  if (errors['server']) return String(errors['server']);
  if (errors['required']) return `${field.label} is required.`;
  if (errors['min']) return `${field.label} is at least ${errors['min'].min}.`;
  if (errors['max']) return `${field.label} is at most ${errors['max'].max}.`;
  if (errors['minlength']) return `${field.label} has at least ${errors['minlength'].requiredLength} characters.`;
  if (errors['maxlength']) return `${field.label} has at most ${errors['maxlength'].requiredLength} characters.`;
  if (errors['pattern']) return field.kind === 'number' ? `${field.label} is a whole number.` : `${field.label} does not have the expected form (${field.schema.pattern ?? 'pattern'}).`;
  if (errors['json']) return `${field.label} is not valid JSON.`;
  return `${field.label} is not valid.`;
}
