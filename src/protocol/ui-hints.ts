import { z } from 'zod';
import { permissionActions, type PermissionAction, type PermissionSpec } from './permissions.js';

/**
 * What a JSON schema cannot say about a command's form: its title, its wizard steps, how each
 * field is entered (a picker over another command's list, a text area, a password…), when a
 * field shows, and what to ask before running it. The console renders any command from its
 * published schema plus these hints (rpc.discover, `x-maestro.ui`), so a new command gets a
 * working form, and a wizard once it has steps, without console code. docs/console.md.
 *
 * `Field` is the command's input property names, so a hint naming a field the command does not
 * have is a compile error where the command is defined; uiHintProblems checks the rest (pickers,
 * their commands and parameters) over all commands in a test.
 */

export const fieldWidgets = [
  'text',
  'textarea',
  'password',
  'number',
  'checkbox',
  'select',
  'picker',
  'tags',
  'datetime',
  'file',
  'hidden',
  'code',
] as const;
export type FieldWidget = (typeof fieldWidgets)[number];

/**
 * The wizard permission actions (RUN_INSTANCE_WIZARD…): what shows a wizard in the console. By
 * name, as the catalog's types do not carry each action's kind; uiHintProblems checks the kind.
 */
export type WizardAction = Extract<PermissionAction, `${string}_WIZARD`>;

/**
 * A field chosen from the items another (read) command lists. On an array field the console lets
 * the user choose several. `params` are the picker command's inputs: `'$tenant'` is the value of
 * this form's field tenant (dependent pickers: tenant → region → image), any other string is
 * sent as it is.
 */
export interface PickerHint {
  command: string;
  value: string;
  label?: string;
  detail?: string;
  /** Where the list is in the picker command's result; default 'items'. */
  items?: string;
  /** The picker command's input that filters by the typed text, on the server. */
  search?: string;
  params?: Readonly<Record<string, string>>;
}

export interface ShowWhen<Field extends string = string> {
  field: Field;
  equals?: string | number | boolean;
  present?: boolean;
}

export interface FieldHint<Field extends string = string> {
  label?: string;
  help?: string;
  placeholder?: string;
  widget?: FieldWidget;
  picker?: PickerHint;
  showWhen?: ShowWhen<Field>;
  /** Filled in when published: the fields this one's picker parameters and showWhen read. */
  dependsOn?: readonly Field[];
}

export interface UiStep<Field extends string = string> {
  title: string;
  fields: readonly Field[];
}

export interface UiHints<Field extends string = string> {
  /** The form's or wizard's title; the console uses the summary without one. */
  title?: string;
  /** The _WIZARD permission action that shows this wizard. */
  wizard?: WizardAction;
  /** Wizard steps; fields in no step go in a last "More" step; no steps: a one-page form. */
  steps?: readonly UiStep<Field>[];
  fields?: { readonly [K in Field]?: FieldHint<Field> };
  /** The question asked before running (destructive commands). */
  confirm?: string;
  /** Where to go after success; `:x` is the result's field x, e.g. '/instances/:id'. */
  resultRoute?: string;
}

/** The hints as rpc.discover publishes them: each field's dependsOn derived from its picker params and showWhen. */
export function publishedUiHints(hints: UiHints): UiHints {
  if (!hints.fields) return hints;
  const fields: Record<string, FieldHint> = {};
  for (const [name, hint] of Object.entries(hints.fields) as [string, FieldHint][]) {
    const dependsOn = new Set<string>();
    for (const value of Object.values(hint.picker?.params ?? {})) {
      if (value.startsWith('$')) dependsOn.add(value.slice(1));
    }
    if (hint.showWhen) dependsOn.add(hint.showWhen.field);
    fields[name] = dependsOn.size > 0 ? { ...hint, dependsOn: [...dependsOn] } : hint;
  }
  return { ...hints, fields };
}

/** What uiHintProblems needs of a command: enough to look at its schemas, hints and whether it only reads. */
export interface HintedCommand {
  name: string;
  input: z.ZodType;
  output: z.ZodType;
  permission: PermissionAction;
  audit: string | null;
  ui?: UiHints;
}

type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema; required?: string[]; anyOf?: JsonSchema[] };

const schemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;

/** The properties of an object schema, looking through nullable/optional unions. */
function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  if (!schema) return {};
  if (schema.properties) return schema.properties;
  for (const option of schema.anyOf ?? []) {
    if (option.properties) return option.properties;
  }
  return {};
}

/** The fields of each item of a list the picker reads (the array at `items` of the result). */
function itemFields(output: JsonSchema, itemsAt: string): Record<string, JsonSchema> | null {
  const list = propertiesOf(output)[itemsAt];
  if (!list || list.type !== 'array') return null;
  return propertiesOf(list.items);
}

/** Looked up by name: hints come from objects a type cannot fully vouch for (a test, a future plugin). */
const actionSpec = (name: string): PermissionSpec | undefined =>
  Object.hasOwn(permissionActions, name) ? (permissionActions as Record<string, PermissionSpec>)[name] : undefined;

const pagingInputs = new Set(['limit', 'cursor']);

/**
 * Every way a command's UI hints can point at something that is not there, as sentences naming
 * the command and what to fix. Empty when the hints are sound.
 */
export function uiHintProblems(command: HintedCommand, commandsByName: ReadonlyMap<string, HintedCommand>): string[] {
  const hints = command.ui;
  if (!hints) return [];
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${command.name}: ${text}`);
  const input = schemaOf(command.input, 'input');
  const inputFields = new Set(Object.keys(propertiesOf(input)));
  const isField = (name: string) => inputFields.has(name);

  if (hints.title !== undefined && hints.title.trim() === '') problem('ui.title is empty; give a title or leave it out');
  if (hints.confirm !== undefined && hints.confirm.trim() === '') problem('ui.confirm is empty; give the question to ask');
  if (hints.wizard !== undefined && actionSpec(hints.wizard)?.kind !== 'wizard') {
    problem(`ui.wizard ${hints.wizard} is not a _WIZARD permission action (src/protocol/permissions.ts)`);
  }

  const stepped = new Map<string, string>();
  for (const step of hints.steps ?? []) {
    if (step.title.trim() === '') problem('a ui.steps entry has no title');
    if (step.fields.length === 0) problem(`ui step "${step.title}" lists no fields`);
    for (const field of step.fields) {
      if (!isField(field)) problem(`ui step "${step.title}" names ${field}, which is not an input of the command`);
      const earlier = stepped.get(field);
      if (earlier !== undefined) problem(`ui steps "${earlier}" and "${step.title}" both list ${field}; list each field once`);
      stepped.set(field, step.title);
    }
  }

  for (const [field, hint] of Object.entries(hints.fields ?? {}) as [string, FieldHint][]) {
    const where = `ui.fields.${field}`;
    if (!isField(field)) problem(`${where} names a field that is not an input of the command`);
    if (hint.widget !== undefined && !(fieldWidgets as readonly string[]).includes(hint.widget)) {
      problem(`${where}.widget ${hint.widget} is not one of ${fieldWidgets.join(', ')}`);
    }
    if (hint.picker && hint.widget !== undefined && hint.widget !== 'picker') {
      problem(`${where} has a picker but widget ${hint.widget}; leave widget out or make it picker`);
    }
    if (hint.widget === 'picker' && !hint.picker) problem(`${where}.widget is picker but no picker says what to pick from`);
    if (hint.showWhen) {
      const other = hint.showWhen.field;
      if (other === field) problem(`${where}.showWhen refers to the field itself`);
      else if (!isField(other)) problem(`${where}.showWhen.field ${other} is not an input of the command`);
    }
    if (hint.picker) problems.push(...pickerProblems(command.name, where, hint.picker, isField, commandsByName));
  }

  if (hints.resultRoute !== undefined) {
    const resultFields = new Set(Object.keys(propertiesOf(schemaOf(command.output, 'output'))));
    if (!hints.resultRoute.startsWith('/')) problem(`ui.resultRoute ${hints.resultRoute} must start with /`);
    for (const [, name] of hints.resultRoute.matchAll(/:([A-Za-z0-9_]+)/g)) {
      if (!resultFields.has(name!)) problem(`ui.resultRoute names :${name}, which is not a field of the command's result`);
    }
  }
  return problems;
}

function pickerProblems(
  commandName: string,
  where: string,
  picker: PickerHint,
  isField: (name: string) => boolean,
  commandsByName: ReadonlyMap<string, HintedCommand>,
): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${commandName}: ${where}.picker ${text}`);
  const source = commandsByName.get(picker.command);
  if (!source) {
    problem(`command ${picker.command} does not exist`);
    return problems;
  }
  if (source.audit !== null || actionSpec(source.permission)?.readOnly !== true) {
    problem(`command ${picker.command} changes state; a picker lists with a read command (audit null, a read permission)`);
  }
  const sourceInputs = propertiesOf(schemaOf(source.input, 'input'));
  const itemsAt = picker.items ?? 'items';
  const fields = itemFields(schemaOf(source.output, 'output'), itemsAt);
  if (!fields) {
    problem(`reads the list at ${itemsAt}, but the result of ${picker.command} has no array there`);
  } else {
    for (const [role, name] of [['value', picker.value], ['label', picker.label], ['detail', picker.detail]] as const) {
      if (name !== undefined && !Object.hasOwn(fields, name)) problem(`${role} ${name} is not a field of the items ${picker.command} lists`);
    }
  }
  if (picker.search !== undefined && !Object.hasOwn(sourceInputs, picker.search)) {
    problem(`search ${picker.search} is not an input of ${picker.command}`);
  }
  for (const [param, value] of Object.entries(picker.params ?? {})) {
    if (!Object.hasOwn(sourceInputs, param)) problem(`params.${param} is not an input of ${picker.command}`);
    if (value.startsWith('$') && !isField(value.slice(1))) problem(`params.${param} reads ${value}, which is not an input of ${commandName}`);
  }
  // The console must be able to call it: every required input comes from params or the typed text.
  const required = schemaOf(source.input, 'input').required ?? [];
  for (const name of required) {
    if (!pagingInputs.has(name) && name !== picker.search && !Object.hasOwn(picker.params ?? {}, name)) {
      problem(`gives no value for ${name}, which ${picker.command} requires; add it to params`);
    }
  }
  return problems;
}
