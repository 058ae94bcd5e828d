import type { ApiService } from '../../core/api.service';
import type { PickerHint } from '../../core/ui-hints';
import { valueAt } from '../values';

export interface PickerOption {
  value: string;
  label: string;
  detail: string;
}

export interface PickerPage {
  options: PickerOption[];
  nextCursor: string | null;
}

/** How many options a picker asks for at a time. */
export const pickerPageSize = 25;

/**
 * Reads one page of a picker's options from its command: the typed text goes to the command's
 * search input when it has one (server-side search), the cursor pages on; params are already
 * resolved ('$field' replaced by the form's values).
 */
export async function readPickerPage(
  api: ApiService,
  hint: PickerHint,
  params: Record<string, unknown>,
  text: string,
  cursor: string | null,
  paged: boolean,
): Promise<PickerPage> {
  const input: Record<string, unknown> = { ...params };
  if (hint.search && text.trim() !== '') input[hint.search] = text.trim();
  if (paged) {
    input['limit'] = pickerPageSize;
    if (cursor) input['cursor'] = cursor;
  }
  const result = await api.call<Record<string, unknown>>(hint.command, input);
  const list = valueAt(result, hint.items ?? 'items');
  const items = Array.isArray(list) ? list : [];
  const lowered = text.trim().toLowerCase();
  const options = items
    .map((item) => ({
      value: String(valueAt(item, hint.value) ?? ''),
      label: String(valueAt(item, hint.label ?? hint.value) ?? ''),
      detail: hint.detail ? String(valueAt(item, hint.detail) ?? '') : '',
    }))
    .filter((option) => option.value !== '')
    // Without a search input the command lists everything; the typed text narrows what was read.
    .filter((option) => hint.search || !lowered || `${option.label} ${option.value} ${option.detail}`.toLowerCase().includes(lowered));
  const next = typeof result['nextCursor'] === 'string' && result['nextCursor'] !== '' ? result['nextCursor'] : null;
  return { options, nextCursor: paged ? next : null };
}

/** Replaces '$field' by the form's value of field; undefined when that field is empty (the picker waits for it). */
export function resolvePickerParams(hint: PickerHint, values: Record<string, unknown>): { params: Record<string, unknown>; missing: string[] } {
  const params: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, source] of Object.entries(hint.params ?? {})) {
    if (source.startsWith('$')) {
      const value = values[source.slice(1)];
      if (value === undefined || value === null || value === '') missing.push(source.slice(1));
      else params[name] = value;
    } else {
      params[name] = source;
    }
  }
  return { params, missing };
}
