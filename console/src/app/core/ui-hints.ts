/**
 * The UI hints beside each command (x-maestro.ui in rpc.discover), as src/protocol/ui-hints.ts
 * defines them on the server: the generic form reads them to make a wizard.
 */
export type FieldWidget =
  | 'text'
  | 'textarea'
  | 'password'
  | 'number'
  | 'checkbox'
  | 'select'
  | 'picker'
  | 'tags'
  | 'datetime'
  | 'file'
  | 'hidden'
  | 'code';

export interface PickerHint {
  command: string;
  value: string;
  label?: string;
  detail?: string;
  /** Where the list is in the picker command's result; default 'items'. */
  items?: string;
  /** The picker command's input that filters by the typed text, on the server. */
  search?: string;
  /** '$field' is this form's field; anything else is sent as it is. */
  params?: Record<string, string>;
}

export interface ShowWhen {
  field: string;
  equals?: string | number | boolean;
  present?: boolean;
}

export interface FieldHint {
  label?: string;
  help?: string;
  placeholder?: string;
  widget?: FieldWidget;
  picker?: PickerHint;
  showWhen?: ShowWhen;
  dependsOn?: string[];
}

export interface UiStep {
  title: string;
  fields: string[];
}

export interface UiHints {
  title?: string;
  wizard?: string;
  steps?: UiStep[];
  fields?: Record<string, FieldHint>;
  confirm?: string;
  resultRoute?: string;
}
