import type { RpcMethod } from '../../core/openrpc';
import type { RowAction } from '../../core/page-registry';
import type { RpcCall } from '../../core/api.service';
import { mainSchema } from '../list-query';
import { valueAt } from '../values';

/**
 * Only a row's plain values (ids, names) stand for an input by name: a row's tags or limits are
 * what it has now, not what the user wants to set, so such inputs are asked in the form.
 */
function scalar(value: unknown): string | number | boolean | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** Which rows an action applies to (its `when`). */
export function actionApplies(action: RowAction, row: unknown): boolean {
  return !action.when || valueAt(row, action.when.field) === action.when.equals;
}

/**
 * The inputs an action's command gets from a row: renamed ones (`from`), then the command's
 * required inputs and `tenant`/`region` taken from same-named plain row fields, else from the table's filters
 * (a row of a tenant's list often does not repeat the tenant), then the constant `extra`.
 */
export function inputsFromRow(method: RpcMethod, action: RowAction, row: unknown, filters: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const param of method.params) {
    const renamed = action.from?.[param.name];
    let value: unknown;
    if (renamed) value = valueAt(row, renamed);
    else if (param.required || param.name === 'tenant' || param.name === 'region') value = scalar(valueAt(row, param.name)) ?? scalar(filters[param.name]);
    if (value === undefined || value === null) continue;
    inputs[param.name] = mainSchema(param.schema).type === 'array' && !Array.isArray(value) ? [value] : value;
  }
  return { ...inputs, ...action.extra };
}

/** Required inputs the row did not give: the action then opens the command's form instead of running. */
export function missingInputs(method: RpcMethod, inputs: Record<string, unknown>): string[] {
  return method.params.filter((param) => param.required && param.schema.default === undefined && !(param.name in inputs)).map((param) => param.name);
}

/**
 * The calls for an action on several rows: one call whose array inputs (ids…) collect every
 * row's values when all else is equal, else one call per row (sent as one batch).
 */
export function callsForRows(method: RpcMethod, perRow: Record<string, unknown>[]): RpcCall[] {
  if (perRow.length === 0) return [];
  const arrays = method.params.filter((param) => mainSchema(param.schema).type === 'array').map((param) => param.name);
  const rest = (inputs: Record<string, unknown>) => JSON.stringify(Object.entries(inputs).filter(([name]) => !arrays.includes(name)).sort());
  const merge = arrays.length > 0 && perRow.every((inputs) => rest(inputs) === rest(perRow[0]!));
  if (merge) {
    const merged: Record<string, unknown> = { ...perRow[0] };
    for (const name of arrays) {
      const values = perRow.flatMap((inputs) => (Array.isArray(inputs[name]) ? (inputs[name] as unknown[]) : []));
      if (values.length > 0) merged[name] = [...new Set(values)];
    }
    return [{ method: method.name, params: merged }];
  }
  return perRow.map((params) => ({ method: method.name, params }));
}
