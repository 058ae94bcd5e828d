import { applyRule } from '../../../domain/billing/account-rules.js';
import type { PublicBillingCloud } from '../../../protocol/billing-import.js';
import { identifier } from '../../../protocol/common.js';
import { invalidInput } from '../../../protocol/errors.js';
import type { Queryable } from '../../../store/database.js';
import { currentMappings, mappingKey as keyOf, tenantsByName, unmappedSeenAccounts, type TenantRef } from '../../queries/billing-mapping.js';
import type { MappingFile, Problem, RuleLine } from './entries.js';

/** One mapping a file makes: a sub-account to a tenant, and where in the file it comes from. */
export interface PlannedMapping {
  cloud: PublicBillingCloud;
  account: string;
  name: string;
  tenant: TenantRef;
  previousTenant: string | null;
  line: number;
  /** `line 4`, or `rule on line 12 (name acme-*)`. */
  from: string;
}

export interface MappingPlan {
  changes: PlannedMapping[];
  /** Lines and rule matches that map a sub-account to the tenant it is mapped to already. */
  unchanged: number;
  rules: { line: number; pattern: string; matched: number }[];
}

/** Problems listed in the error's message; all of them are in its details. */
const PROBLEMS_IN_MESSAGE = 20;
const PROBLEMS_IN_DETAILS = 500;
const tenantName = identifier('tenant name');

interface Wanted {
  cloud: PublicBillingCloud;
  account: string;
  name: string | null;
  tenant: string;
  line: number;
  from: string;
}

/**
 * Checks a whole mapping file against the store and works out what it changes, before anything
 * changes: every problem (unknown tenants, a sub-account listed twice, one that two rules map to
 * different tenants, a template that names no valid tenant) is reported by its line, and one
 * problem refuses the file. Rules map only sub-accounts that imports have seen, that no mapping
 * holds and that the file does not list.
 */
export async function planMappings(db: Queryable, file: MappingFile): Promise<MappingPlan> {
  const problems: Problem[] = [...file.problems];
  const wanted = new Map<string, Wanted>();
  for (const line of file.accounts) {
    const key = keyOf(line.cloud, line.account);
    const first = wanted.get(key);
    if (first) {
      problems.push({
        line: line.line,
        message:
          first.tenant === line.tenant
            ? `${line.cloud} account ${line.account} is listed on line ${first.line} already`
            : `${line.cloud} account ${line.account} is mapped to ${first.tenant} on line ${first.line} and to ${line.tenant} here`,
      });
      continue;
    }
    wanted.set(key, { ...line, from: `line ${line.line}` });
  }

  const rules = file.rules.map((rule) => ({ rule, matched: 0 }));
  if (rules.length > 0) {
    for (const seen of await unmappedSeenAccounts(db)) {
      if (wanted.has(keyOf(seen.cloud, seen.account))) continue;
      const matches: { rule: RuleLine; tenant: string }[] = [];
      for (const entry of rules) {
        const { rule } = entry;
        if (rule.cloud !== null && rule.cloud !== seen.cloud) continue;
        const named = applyRule(rule, seen);
        if (named === null) continue;
        entry.matched++;
        const tenant = tenantName.safeParse(named);
        if (!tenant.success) {
          problems.push({ line: rule.line, message: `for ${describe(seen)} the rule names '${named}': ${tenant.error.issues[0]!.message}` });
          continue;
        }
        matches.push({ rule, tenant: tenant.data });
      }
      const tenants = [...new Set(matches.map((m) => m.tenant))];
      if (tenants.length > 1) {
        problems.push({
          line: matches.at(-1)!.rule.line,
          message: `${describe(seen)} matches the rules on lines ${matches.map((m) => m.rule.line).join(', ')}, which map it to ${tenants.join(' and ')}`,
        });
      } else if (matches[0]) {
        const { rule, tenant } = matches[0];
        wanted.set(keyOf(seen.cloud, seen.account), {
          cloud: seen.cloud,
          account: seen.account,
          name: seen.name,
          tenant,
          line: rule.line,
          from: `rule on line ${rule.line} (${rule.pattern.field} ${rule.pattern.text})`,
        });
      }
    }
  }

  const tenants = await tenantsByName(db, [...wanted.values()].map((w) => w.tenant));
  for (const w of wanted.values()) {
    if (!tenants.has(w.tenant)) {
      const what = w.from.startsWith('rule') ? `the rule maps ${describe(w)} to tenant ${w.tenant}` : `tenant ${w.tenant}`;
      problems.push({ line: w.line, message: `${what}, which does not exist` });
    }
  }
  if (problems.length > 0) throw refused(problems);

  const current = await currentMappings(db, [...wanted.values()]);
  const changes: PlannedMapping[] = [];
  let unchanged = 0;
  for (const w of wanted.values()) {
    const before = current.get(keyOf(w.cloud, w.account));
    const tenant = tenants.get(w.tenant)!;
    const name = w.name ?? before?.name ?? '';
    if (before && before.tenant === tenant.name && before.name === name) {
      unchanged++;
      continue;
    }
    changes.push({ cloud: w.cloud, account: w.account, name, tenant, previousTenant: before ? before.tenant : null, line: w.line, from: w.from });
  }
  changes.sort((a, b) => a.line - b.line || a.cloud.localeCompare(b.cloud) || a.account.localeCompare(b.account));
  return { changes, unchanged, rules: rules.map(({ rule, matched }) => ({ line: rule.line, pattern: `${rule.pattern.field} ${rule.pattern.text}`, matched })) };
}

const describe = (a: { cloud: string; account: string; name?: string | null }) => `${a.cloud} account ${a.account}${a.name ? ` (${a.name})` : ''}`;

function refused(problems: Problem[]) {
  const sorted = problems.toSorted((a, b) => a.line - b.line);
  const shown = sorted.slice(0, PROBLEMS_IN_MESSAGE).map((p) => `line ${p.line}: ${p.message}`);
  const more = sorted.length > PROBLEMS_IN_MESSAGE ? `; and ${sorted.length - PROBLEMS_IN_MESSAGE} more` : '';
  return invalidInput(
    `the mapping file has ${sorted.length === 1 ? 'a problem' : `${sorted.length} problems`}; nothing was changed: ${shown.join('; ')}${more}`,
    { field: 'content', problems: sorted.slice(0, PROBLEMS_IN_DETAILS) },
  );
}
