import { parsePattern, templateProblem, type AccountPattern } from '../../../domain/billing/account-rules.js';
import { billingAccountId, publicBillingClouds, type PublicBillingCloud } from '../../../protocol/billing-import.js';
import { displayText, identifier } from '../../../protocol/common.js';
import { accountKey } from '../focus/providers.js';

/**
 * What a mapping file says, whatever its format: accounts each mapped to a tenant, and pattern
 * rules, each with the line it was written on; and every problem found, by line.
 */
export interface AccountLine {
  line: number;
  cloud: PublicBillingCloud;
  /** As stored (Azure ids lower case). */
  account: string;
  tenant: string;
  name: string | null;
}

export interface RuleLine {
  line: number;
  /** Null: sub-accounts of every cloud. */
  cloud: PublicBillingCloud | null;
  pattern: AccountPattern;
  /** A tenant name or a template (src/domain/billing/account-rules.ts). */
  tenant: string;
}

export interface Problem {
  line: number;
  message: string;
}

export interface MappingFile {
  accounts: AccountLine[];
  rules: RuleLine[];
  problems: Problem[];
}

/** The fields of one account line as the file wrote them (absent: undefined). */
export interface RawAccount {
  cloud?: string | undefined;
  account?: string | undefined;
  tenant?: string | undefined;
  name?: string | undefined;
}

/** A rule's fields as the file wrote them: the same as an account line's, account or name being a pattern. */
export type RawRule = RawAccount;

const tenantName = identifier('tenant name');
const accountName = displayText(256);

function parseCloud(value: string | undefined, problems: string[]): PublicBillingCloud | null {
  if (value === undefined || value.trim() === '') {
    problems.push(`cloud is missing (one of ${publicBillingClouds.join(', ')})`);
    return null;
  }
  const cloud = value.trim().toUpperCase();
  if ((publicBillingClouds as readonly string[]).includes(cloud)) return cloud as PublicBillingCloud;
  problems.push(`cloud '${value}' is not one of ${publicBillingClouds.join(', ')}`);
  return null;
}

function firstIssue(result: { success: boolean; error?: { issues: readonly { message: string }[] } }): string {
  return result.error?.issues[0]?.message ?? 'invalid';
}

/** Checks one account line; adds its problems (all of them) to `file`. */
export function addAccount(file: MappingFile, line: number, raw: RawAccount): void {
  const problems: string[] = [];
  const cloud = parseCloud(raw.cloud, problems);
  const account = billingAccountId.safeParse(raw.account ?? '');
  if (!account.success) problems.push(firstIssue(account));
  const tenant = tenantName.safeParse(raw.tenant ?? '');
  if (!tenant.success) problems.push(raw.tenant === undefined || raw.tenant.trim() === '' ? 'tenant is missing' : firstIssue(tenant));
  const name = raw.name === undefined || raw.name.trim() === '' ? null : accountName.safeParse(raw.name.trim());
  if (name && !name.success) problems.push(`name: ${firstIssue(name)}`);
  if (problems.length > 0 || !cloud || !account.success || !tenant.success) {
    for (const message of problems) file.problems.push({ line, message });
    return;
  }
  file.accounts.push({ line, cloud, account: accountKey(cloud, account.data), tenant: tenant.data, name: name?.success ? name.data : null });
}

/** Checks one rule; adds its problems to `file`. */
export function addRule(file: MappingFile, line: number, raw: RawRule): void {
  const problems: string[] = [];
  const cloud = raw.cloud === undefined ? null : parseCloud(raw.cloud, problems);
  const fields = (['account', 'name'] as const).filter((field) => raw[field] !== undefined);
  let pattern: AccountPattern | null = null;
  if (fields.length !== 1) problems.push('a rule matches by exactly one of account or name (a glob, or a /regular expression/)');
  else {
    const parsed = parsePattern(fields[0]!, raw[fields[0]!]!.trim());
    if (typeof parsed === 'string') problems.push(parsed);
    else pattern = parsed;
  }
  const tenant = raw.tenant?.trim() ?? '';
  if (tenant === '') problems.push('tenant is missing (a tenant name, or a template such as ACME-{1})');
  else if (pattern) {
    const problem = templateProblem(pattern, tenant);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0 || !pattern || (raw.cloud !== undefined && cloud === null)) {
    for (const message of problems) file.problems.push({ line, message });
    return;
  }
  file.rules.push({ line, cloud, pattern, tenant });
}

export const emptyMappingFile = (): MappingFile => ({ accounts: [], rules: [], problems: [] });
