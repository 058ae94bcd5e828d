import { parse, type CsvError } from 'csv-parse/sync';
import { addAccount, emptyMappingFile, type MappingFile, type RawAccount } from './entries.js';

/**
 * A CSV mapping file: a header naming its columns, then one sub-account per line. Columns, in any
 * order and case: cloud, account (or SubAccountId, as in FOCUS exports), tenant, and optionally
 * name (or SubAccountName). Lines are numbered as an editor shows them; a line that is not valid
 * CSV is reported and the others are still checked.
 */
const columnNames: Record<string, keyof RawAccount> = {
  cloud: 'cloud',
  account: 'account',
  accountid: 'account',
  subaccountid: 'account',
  tenant: 'tenant',
  name: 'name',
  accountname: 'name',
  subaccountname: 'name',
};
const required: readonly (keyof RawAccount)[] = ['cloud', 'account', 'tenant'];

export function readMappingCsv(text: string): MappingFile {
  const file = emptyMappingFile();
  let lastLine = 0;
  const records = parse(text, {
    info: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_record: (record: string[], context: { lines: number }) => {
      lastLine = context.lines;
      return record;
    },
    on_skip: (error: CsvError | undefined) => {
      if (!error) return undefined;
      const message =
        error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? { line: lastLine + 1, message: `a quoted field opened after line ${lastLine} is never closed: the rest of the file was read as one field` }
          : { line: (error as CsvError & { lines?: number }).lines ?? lastLine + 1, message: `not valid CSV: ${error.message}` };
      file.problems.push(message);
      return undefined;
    },
    // With info: true each record comes with its line; csv-parse's types do not follow the option.
  }) as unknown as Array<{ info: { lines: number }; record: string[] }>;

  const [header, ...rows] = records;
  if (!header) {
    if (file.problems.length === 0) file.problems.push({ line: 1, message: 'the file is empty: give a header (cloud,account,tenant[,name]) and a line per sub-account' });
    return file;
  }
  const columns = header.record.map((title) => columnNames[title.toLowerCase().replace(/[\s_-]/g, '')]);
  const headerProblems = [
    ...header.record.filter((_title, i) => columns[i] === undefined).map((title) => `column '${title}' is not one of cloud, account, tenant, name`),
    ...required.filter((column) => !columns.includes(column)).map((column) => `the header has no ${column} column`),
    ...required.filter((column) => columns.filter((c) => c === column).length > 1).map((column) => `the header names ${column} twice`),
  ];
  if (headerProblems.length > 0) {
    for (const message of headerProblems) file.problems.push({ line: header.info.lines, message });
    return file;
  }
  for (const { info, record } of rows) {
    if (record.length !== columns.length) {
      file.problems.push({ line: info.lines, message: `${record.length} fields where the header has ${columns.length}` });
      continue;
    }
    const raw: RawAccount = {};
    record.forEach((value, i) => (raw[columns[i]!] = value));
    addAccount(file, info.lines, raw);
  }
  return file;
}
