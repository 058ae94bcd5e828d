import type { OutputFormat } from './output-format.js';

/** Human-readable rendering of results (`--output table`); json and yaml print them whole. */

type Row = Record<string, unknown>;

/** How a command's results print as a table: from the command index. */
export interface TableView {
  columns?: readonly string[];
  /** A single resource prints as one row of `columns` instead of a record. */
  row?: boolean;
  /** The field whose items are the rows, where the result holds several lists. */
  rows?: string;
}

const MAX_DEFAULT_COLUMNS = 6;
/** A table cell longer than this is cut: the whole value is one `--output yaml` away. */
const MAX_CELL = 60;

function isRecord(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isScalar = (value: unknown) => typeof value !== 'object' || value === null;

/** The result in the format asked for; yaml is loaded only when asked for. */
export async function formatResult(result: unknown, format: OutputFormat, view: TableView): Promise<string> {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'yaml') {
    if (result === undefined) return '';
    const { stringify } = await import('yaml');
    return stringify(result, { lineWidth: 0 });
  }
  return render(result, view);
}

/** The rows of a list-like result: `{items, nextCursor?}`, or an object whose only field is an array of objects. */
export function rowsOf(result: unknown): Row[] | undefined {
  if (!isRecord(result)) return undefined;
  const keys = Object.keys(result);
  const list = Array.isArray(result.items) ? result.items : keys.length === 1 ? result[keys[0]!] : undefined;
  if (!Array.isArray(list) || !list.every(isRecord)) return undefined;
  return list;
}

export function render(result: unknown, view: TableView = {}): string {
  if (result === undefined) return '';
  if (isRecord(result) && result.ok === true && Object.keys(result).length === 1) return 'ok\n';
  // Reports: CSV when asked for, else their rows under their own columns.
  if (isRecord(result) && typeof result.csv === 'string') return result.csv;
  if (isRecord(result) && Array.isArray(result.rows) && Array.isArray(result.columns) && result.rows.every(isRecord)) {
    return renderTable(result.rows, result.columns.map(String));
  }
  if (isRecord(result) && view.rows && Array.isArray(result[view.rows])) return renderLists(result, view.rows, view.columns);
  const rows = rowsOf(result);
  if (rows) return `${pageFields(result as Row)}${renderTable(rows, view.columns)}`;
  if (isRecord(result) && view.row && view.columns) return renderTable([result], view.columns);
  if (isRecord(result)) return renderObject(result);
  return `${cell(result)}\n`;
}

/**
 * What a list result says besides its rows (push-subscriptions describe's publicKey), as record
 * lines above the table; the cursor has its own hint.
 */
/** A result of several lists: its other fields, the main list as the table, then each other list under its name. */
function renderLists(result: Row, main: string, columns?: readonly string[]): string {
  const others = Object.entries(result).filter(([key, value]) => key !== main && Array.isArray(value) && value.every(isRecord));
  const rest = others.map(([key, value]) => `\n${key}:\n${renderTable(value as Row[])}`).join('');
  return `${pageFields(result)}${renderTable(result[main] as Row[], columns)}${rest}`;
}

function pageFields(result: Row): string {
  const fields = Object.fromEntries(Object.entries(result).filter(([key, value]) => key !== 'items' && key !== 'nextCursor' && !Array.isArray(value)));
  return Object.keys(fields).length > 0 ? `${renderObject(fields)}\n` : '';
}

/** The `more: --cursor …` line for a page that is not the last one, else undefined. */
export function moreHint(result: unknown): string | undefined {
  if (!isRecord(result) || typeof result.nextCursor !== 'string' || result.nextCursor === '') return undefined;
  return `more: --cursor ${result.nextCursor} (or --all for every page)`;
}

export function renderTable(rows: readonly Row[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  return tableLines(rows, columns).map((line) => `${line}\n`).join('');
}

function tableLines(rows: readonly Row[], columns?: readonly string[]): string[] {
  const headers = columns && columns.length > 0 ? [...columns] : defaultColumns(rows);
  const body = rows.map((row) => headers.map((path) => cell(pick(row, path))));
  const widths = headers.map((header, i) => Math.max(header.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? text : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...body.map(line)];
}

/** Without hints from the definition: the first scalar fields of the first row. */
function defaultColumns(rows: readonly Row[]): string[] {
  const first = rows[0] ?? {};
  const scalar = Object.keys(first).filter((key) => isScalar(first[key]));
  return (scalar.length > 0 ? scalar : Object.keys(first)).slice(0, MAX_DEFAULT_COLUMNS);
}

/** Columns may be dotted paths into nested objects. */
function pick(row: Row, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) value = isRecord(value) ? value[part] : undefined;
  return value;
}

/** One table cell: always a single, bounded line. */
function cell(value: unknown): string {
  const text = inline(value).replace(/[\r\n\t]+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/**
 * A value on one line: lists as `a,b`, objects as `key=value` pairs (`key.sub=value` deeper down),
 * lists of objects as their pairs separated by `; `.
 */
function inline(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(inline).join(value.every(isScalar) ? ',' : '; ');
  if (isRecord(value)) return pairs(value).join(',');
  return String(value);
}

function pairs(object: Row, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    isRecord(value) && Object.keys(value).length > 0 ? pairs(value, `${prefix}${key}.`) : [`${prefix}${key}=${inline(value)}`],
  );
}

/**
 * `key: value` lines, aligned. Nested objects are indented records, lists of objects indented
 * tables, multi-line text (a private key) an indented block.
 */
export function renderObject(object: Row): string {
  return recordLines(object).map((line) => `${line}\n`).join('');
}

function recordLines(object: Row): string[] {
  const keys = Object.keys(object);
  const width = Math.max(0, ...keys.map((key) => key.length)) + 1;
  const indent = (lines: string[]) => lines.map((line) => `  ${line}`.trimEnd());
  return keys.flatMap((key) => {
    const value = object[key];
    if (typeof value === 'string' && value.includes('\n')) return [`${key}:`, ...indent(value.replace(/\n$/, '').split('\n'))];
    if (isRecord(value) && Object.keys(value).length > 0) return [`${key}:`, ...indent(recordLines(value))];
    if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return [`${key}:`, ...indent(tableLines(value))];
    // Objects and lists left here are empty ones, or lists not all of objects (inline, `a,b`).
    const empty = (isRecord(value) || Array.isArray(value)) && Object.keys(value).length === 0;
    return [`${`${key}:`.padEnd(width)} ${empty ? '-' : inline(value)}`.trimEnd()];
  });
}
