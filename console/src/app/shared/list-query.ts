import type { ParamMap } from '@angular/router';
import type { JsonSchema, RpcMethod } from '../core/openrpc';

/** Inputs the table drives itself; the others are filters. */
export const pagingInputs = new Set(['limit', 'cursor', 'sort', 'order']);
export const pageSizes = [10, 25, 50, 100];
export const defaultPageSize = 25;

export type FilterKind = 'text' | 'enum' | 'boolean' | 'datetime' | 'number';

export interface FilterField {
  name: string;
  kind: FilterKind;
  required: boolean;
  options: string[];
  description: string;
}

/** The first non-null variant of a nullable/union schema. */
export function mainSchema(schema: JsonSchema): JsonSchema {
  const variants = schema.anyOf ?? schema.oneOf;
  if (!variants) return schema;
  return variants.find((variant) => variant.type !== 'null') ?? schema;
}

function isDateTime(schema: JsonSchema): boolean {
  if (schema.format === 'date-time') return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some((variant) => variant.format === 'date-time');
}

/** The list command's scalar inputs as filters (arrays and objects are not filters a URL keeps well). */
export function filterFieldsOf(method: RpcMethod, first: readonly string[] = []): FilterField[] {
  const fields: FilterField[] = [];
  // `order` goes with `sort` (the table's column sorting); without a sort input it is a filter like any other (events: newest first).
  const sorts = method.params.some((param) => param.name === 'sort');
  for (const param of method.params) {
    if (pagingInputs.has(param.name) && (param.name !== 'order' || sorts)) continue;
    const schema = mainSchema(param.schema);
    let kind: FilterKind | null = null;
    if (isDateTime(param.schema)) kind = 'datetime';
    else if (schema.enum) kind = 'enum';
    else if (schema.type === 'boolean') kind = 'boolean';
    else if (schema.type === 'integer' || schema.type === 'number') kind = 'number';
    else if (schema.type === 'string') kind = 'text';
    if (!kind) continue;
    fields.push({
      name: param.name,
      kind,
      required: param.required,
      options: (schema.enum ?? []).map(String),
      description: param.description ?? schema.description ?? '',
    });
  }
  // Required first, then the page's chosen order, then the rest as the command lists them.
  const rank = (field: FilterField) => (field.required ? -1000 : 0) + (first.includes(field.name) ? first.indexOf(field.name) - 500 : 0);
  return fields.map((field, index) => ({ field, index })).sort((a, b) => rank(a.field) - rank(b.field) || a.index - b.index).map(({ field }) => field);
}

/** The URL's query turned into the list command's inputs: strings parsed back to booleans and numbers. */
export function filterValuesFrom(query: ParamMap, fields: readonly FilterField[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = query.get(field.name);
    if (raw === null || raw === '') continue;
    if (field.kind === 'boolean') values[field.name] = raw === 'true';
    else if (field.kind === 'number') values[field.name] = Number(raw);
    else values[field.name] = raw;
  }
  return values;
}

/** How the command sorts: by a `sort` enum (keys, '-key' descending) and maybe an `order` input. */
export interface SortSupport {
  keys: string[];
  hasOrder: boolean;
}

export function sortSupportOf(method: RpcMethod): SortSupport | null {
  const sort = method.params.find((param) => param.name === 'sort');
  if (!sort) return null;
  const keys = (mainSchema(sort.schema).enum ?? []).map(String).filter((key) => !key.startsWith('-'));
  return keys.length > 0 ? { keys, hasOrder: method.params.some((param) => param.name === 'order') } : null;
}
