import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { addAccount, addRule, emptyMappingFile, type MappingFile, type Problem } from './entries.js';

/**
 * A YAML mapping file:
 *
 *   accounts:
 *     - { cloud: AWS, account: "123456789012", tenant: ACME-DEV, name: Development }
 *   rules:
 *     - { cloud: AWS, name: "acme-*", tenant: "ACME-{1}" }
 *
 * Read with YAML's failsafe schema, so every value is text as written: an account id such as
 * 012345678901 keeps its leading zero instead of becoming a number.
 */
const accountFields = ['cloud', 'account', 'tenant', 'name'] as const;
const ruleFields = ['cloud', 'account', 'name', 'tenant'] as const;

export function readMappingYaml(text: string): MappingFile {
  const file = emptyMappingFile();
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lines, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const problem = (line: number, message: string) => file.problems.push({ line, message });
  for (const error of doc.errors) problem(error.linePos?.[0].line ?? 1, error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  if (doc.errors.length > 0) return file;

  const root = doc.contents;
  if (!isMap(root)) {
    problem(lineOf(root), 'a YAML mapping file is a map with accounts (a list) and rules (a list)');
    return file;
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key as Node);
    if (key !== 'accounts' && key !== 'rules') {
      problem(line, `'${key}' is not accounts or rules`);
      continue;
    }
    const list = pair.value as Node | null;
    if (list === null || (isScalar(list) && list.value === '')) continue;
    if (!isSeq(list)) {
      problem(line, `${key} must be a list (one "- " item per ${key === 'accounts' ? 'sub-account' : 'rule'})`);
      continue;
    }
    const fields = key === 'accounts' ? accountFields : ruleFields;
    for (const item of list.items as Node[]) {
      const values = itemValues(item, fields, lineOf, file.problems);
      if (!values) continue;
      if (key === 'accounts') addAccount(file, lineOf(item), values);
      else addRule(file, lineOf(item), values);
    }
  }
  if (file.accounts.length === 0 && file.rules.length === 0 && file.problems.length === 0) {
    problem(1, 'the file maps nothing: give accounts, rules or both');
  }
  return file;
}

/** An item's fields as text, or null (with its problems reported) when it is not a map of known fields. */
function itemValues(
  item: Node,
  fields: readonly string[],
  lineOf: (node: Node | null | undefined) => number,
  problems: Problem[],
): Record<string, string> | null {
  if (!isMap(item)) {
    problems.push({ line: lineOf(item), message: `each item is a map of ${fields.join(', ')}` });
    return null;
  }
  const values: Record<string, string> = {};
  let ok = true;
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key as Node);
    if (!fields.includes(key)) {
      problems.push({ line, message: `'${key}' is not one of ${fields.join(', ')}` });
      ok = false;
    } else if (!isScalar(pair.value)) {
      problems.push({ line, message: `${key} must be a single value` });
      ok = false;
    } else values[key] = String(pair.value.value);
  }
  return ok ? values : null;
}
