import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRule, parsePattern, templateProblem, type AccountPattern } from '../../src/domain/billing/account-rules.js';

const pattern = (field: 'account' | 'name', text: string): AccountPattern => {
  const parsed = parsePattern(field, text);
  assert.ok(typeof parsed !== 'string', String(parsed));
  return parsed;
};
const subject = { account: '123456789012', name: 'Acme-Prod.EU' };

describe('bulk mapping rules', () => {
  it('a glob matches the whole name, ignoring case; * and ? fill {1} … {9} in order', () => {
    const rule = { pattern: pattern('name', 'acme-*.??'), tenant: 'ACME-{1}-{2}{3}' };
    assert.equal(applyRule(rule, subject), 'ACME-Prod-EU');
    assert.equal(applyRule({ pattern: pattern('name', 'acme-*'), tenant: 'X' }, { ...subject, name: 'my-acme-prod' }), null);
    // Characters that mean something in a regular expression are literal in a glob.
    assert.equal(applyRule({ pattern: pattern('name', 'a+b (1)'), tenant: 'X' }, { ...subject, name: 'a+b (1)' }), 'X');
  });

  it('a /regular expression/ with its flags matches where it finds its match, its groups fill the template', () => {
    const rule = { pattern: pattern('account', '/^1234(\\d{4})/'), tenant: '{name}-{1}-{account}' };
    assert.equal(applyRule(rule, subject), 'Acme-Prod.EU-5678-123456789012');
    assert.equal(applyRule({ pattern: pattern('name', '/prod/i'), tenant: 'P' }, subject), 'P');
  });

  it('refuses patterns and templates that cannot work, saying why', () => {
    assert.match(String(parsePattern('account', '/(/')), /is not valid/);
    assert.match(String(parsePattern('account', '/a/g')), /flags other than i, m, s and u/);
    assert.match(String(parsePattern('name', '')), /empty/);
    assert.match(String(templateProblem(pattern('name', 'acme-*'), 'T-{2}')), /only 1/);
    assert.match(String(templateProblem(pattern('name', 'acme'), 'T-{1}')), /no wildcard or group/);
    assert.match(String(templateProblem(pattern('name', 'acme-*'), 'T-{tenant}')), /use \{account\}, \{name\} or \{1\}/);
    assert.equal(templateProblem(pattern('account', '/^(\\d)(\\d)/'), '{2}{1}-{account}'), null);
  });
});
