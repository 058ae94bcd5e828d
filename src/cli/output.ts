/** Human-readable rendering of results; `--json` bypasses all of this. */

type Row = Record<string, unknown>;

const MAX_DEFAULT_COLUMNS = 6;

function isRecord(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rows of a list-like result: `{items, nextCursor?}`, or an object whose only field is an array of objects. */
export function rowsOf(result: unknown): Row[] | undefined {
  if (!isRecord(result)) return undefined;
  const keys = Object.keys(result);
  const list = Array.isArray(result.items) ? result.items : keys.length === 1 ? result[keys[0]!] : undefined;
  if (!Array.isArray(list) || !list.every(isRecord)) return undefined;
  return list;
}

export function render(result: unknown, columns?: readonly string[]): string {
  if (result === undefined) return '';
  if (isRecord(result) && result.ok === true && Object.keys(result).length === 1) return 'ok\n';
  // Reports: CSV when asked for, else their rows under their own columns.
  if (isRecord(result) && typeof result.csv === 'string') return result.csv;
  if (isRecord(result) && Array.isArray(result.rows) && Array.isArray(result.columns) && result.rows.every(isRecord)) {
    return renderTable(result.rows, result.columns.map(String));
  }
  const rows = rowsOf(result);
  if (rows) return renderTable(rows, columns);
  if (isRecord(result)) return renderObject(result);
  return `${cell(result)}\n`;
}

/** The `more: --cursor …` line for a page that is not the last one, else undefined. */
export function moreHint(result: unknown): string | undefined {
  if (!isRecord(result) || typeof result.nextCursor !== 'string' || result.nextCursor === '') return undefined;
  return `more: --cursor ${result.nextCursor} (or --all for every page)`;
}

export function renderTable(rows: readonly Row[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  const headers = columns && columns.length > 0 ? [...columns] : defaultColumns(rows);
  const body = rows.map((row) => headers.map((path) => cell(pick(row, path))));
  const widths = headers.map((header, i) => Math.max(header.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? text : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...body.map(line)].join('\n')}\n`;
}

/** Without hints from the definition: the first scalar fields of the first row. */
function defaultColumns(rows: readonly Row[]): string[] {
  const first = rows[0] ?? {};
  const scalar = Object.keys(first).filter((key) => !isRecord(first[key]) && !Array.isArray(first[key]));
  return (scalar.length > 0 ? scalar : Object.keys(first)).slice(0, MAX_DEFAULT_COLUMNS);
}

/** Columns may be dotted paths into nested objects. */
function pick(row: Row, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) value = isRecord(value) ? value[part] : undefined;
  return value;
}

/** One table cell: always a single line. */
function cell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '-';
  else if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) text = value.join(',');
  else if (isRecord(value) && Object.values(value).every((v) => typeof v === 'string')) {
    text = Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  } else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.replace(/[\r\n\t]+/g, ' ');
}

/** `key: value` lines, aligned; multi-line text (a private key) as an indented block. */
export function renderObject(object: Row): string {
  const keys = Object.keys(object);
  const width = Math.max(0, ...keys.map((key) => key.length)) + 1;
  return keys
    .map((key) => {
      const value = object[key];
      if (typeof value === 'string' && value.includes('\n')) {
        return `${key}:\n${value.replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n')}`;
      }
      const text = value === null || value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);
      return `${`${key}:`.padEnd(width)} ${text}`.trimEnd();
    })
    .map((line) => `${line}\n`)
    .join('');
}
