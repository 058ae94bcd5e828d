/**
 * Pattern rules of a bulk billing-account mapping: a rule matches sub-accounts by id or by name,
 * with a glob (`*` any text, `?` one character, case ignored) or a regular expression written
 * between slashes (`/^acme-(\w+)$/i`), and names the tenant, literally or as a template:
 * `{1}` … `{9}` are the text of the glob's wildcards or the expression's groups, `{account}` and
 * `{name}` the account's id and name. Pure: matching and naming only; checking that the tenant
 * exists is the caller's.
 */

export type RuleField = 'account' | 'name';

export interface AccountPattern {
  field: RuleField;
  /** As written in the file, for messages. */
  text: string;
  regex: RegExp;
}

export interface AccountRule {
  pattern: AccountPattern;
  /** The tenant, or a template naming it. */
  tenant: string;
}

/** What a rule is matched against. */
export interface RuleSubject {
  account: string;
  name: string;
}

const MAX_PATTERN = 200;
const placeholder = /\{([^{}]*)\}/g;

/** Reads a pattern; the string is a problem to report. */
export function parsePattern(field: RuleField, text: string): AccountPattern | string {
  if (text.length === 0) return `the ${field} pattern is empty`;
  if (text.length > MAX_PATTERN) return `the ${field} pattern is longer than ${MAX_PATTERN} characters`;
  const expression = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (expression) {
    const [, source, flags] = expression;
    if (/[^imsu]/.test(flags!)) return `the regular expression ${text} has flags other than i, m, s and u`;
    try {
      return { field, text, regex: new RegExp(source!, flags) };
    } catch (error) {
      return `the regular expression ${text} is not valid: ${(error as Error).message}`;
    }
  }
  const source = [...text].map((c) => (c === '*' ? '(.*)' : c === '?' ? '(.)' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return { field, text, regex: new RegExp(`^${source}$`, 'is') };
}

/** Checks a tenant template against its pattern: every placeholder must be one the match can fill. */
export function templateProblem(pattern: AccountPattern, template: string): string | null {
  const groups = groupCount(pattern.regex);
  for (const [whole, inner] of template.matchAll(placeholder)) {
    if (inner === 'account' || inner === 'name') continue;
    const index = /^[1-9]$/.test(inner!) ? Number(inner) : null;
    if (index === null) return `the tenant ${template} has the placeholder ${whole}; use {account}, {name} or {1} … {9}`;
    if (index > groups) return `the tenant ${template} uses ${whole}, but the pattern ${pattern.text} has ${groups === 0 ? 'no wildcard or group' : `only ${groups}`}`;
  }
  return null;
}

/** The tenant a rule names for a subject, or null when the rule does not match it. */
export function applyRule(rule: AccountRule, subject: RuleSubject): string | null {
  const match = rule.pattern.regex.exec(subject[rule.pattern.field]);
  if (!match) return null;
  return rule.tenant.replace(placeholder, (_whole, inner: string) =>
    inner === 'account' ? subject.account : inner === 'name' ? subject.name : (match[Number(inner)] ?? ''),
  );
}

/** Capturing groups of an expression (a glob's wildcards are groups too). */
function groupCount(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags).exec('')!.length - 1;
}
