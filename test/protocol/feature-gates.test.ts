import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { licenseVerdict, type License } from '../../src/domain/access/license.js';
import { allCommands, managers } from '../../src/protocol/commands/index.js';
import { editionIncludes, editions, featureGates, features, gatingFeature, type Feature } from '../../src/protocol/features.js';

const featureNames = Object.keys(features) as Feature[];
const where = 'featureGates in src/protocol/features.ts';

describe('the feature gate table', () => {
  it("agrees with every command's declared feature", () => {
    const problems = allCommands.flatMap((command) => {
      const gate = gatingFeature(command.manager, command.method);
      if (gate === undefined) return [`${command.name}: its namespace ${command.manager} is gated by no feature; add it to ${where}`];
      if (gate !== command.feature) {
        return [`${command.name} declares the feature ${command.feature}, but ${where} puts it under ${gate}; make them agree`];
      }
      return [];
    });
    assert.deepEqual(problems, []);
  });

  it('lists each namespace or command once, and names only commands that exist', () => {
    const seen = new Map<string, Feature>();
    for (const feature of featureNames) {
      for (const name of featureGates[feature]) {
        assert.ok(!seen.has(name), `${name} is under both ${seen.get(name)} and ${feature}`);
        seen.set(name, feature);
        const [manager, method] = name.split('.');
        // Whole namespaces may be waiting for their commands; a single command must exist.
        if (method !== undefined) assert.ok(allCommands.some((c) => c.manager === manager && c.method === method), `${name} is no command`);
      }
    }
  });

  it('gives every feature of the edition table something to gate', () => {
    for (const feature of featureNames) assert.ok(featureGates[feature].length > 0, `${feature} gates nothing`);
    // The two features whose commands come later already own their namespaces.
    assert.equal(gatingFeature('templates', 'describe'), 'iac');
    assert.equal(gatingFeature('stacks', 'describe'), 'iac');
    assert.equal(gatingFeature('autoconfigurationProfiles', 'describe'), 'autoconfig');
    assert.equal(gatingFeature('ansible', 'describeInventory'), 'autoconfig');
  });

  it('puts one command under a feature other than its namespace where the table says so', () => {
    assert.equal(managers.regions.discover.feature, 'compute');
    assert.equal(gatingFeature('regions', 'discover'), 'compute');
    assert.equal(gatingFeature('regions', 'describe'), 'organisation');
  });
});

describe('licences decide by the gating feature', () => {
  const license = (edition: License['edition'], toggles: License['toggles'] = {}): License => ({
    edition,
    endsAt: null,
    graceDays: 0,
    suspended: false,
    toggles,
  });
  const now = new Date('2026-03-01T00:00:00Z');

  it('allows a feature in the editions that include it, and refuses it in the others with the licence reason', () => {
    for (const feature of featureNames) {
      for (const edition of editions) {
        const verdict = licenseVerdict(license(edition), feature, true, now);
        assert.equal(verdict.allowed, editionIncludes(edition, feature), `${feature} in ${edition}`);
        if (!verdict.allowed) assert.match(verdict.reason, new RegExp(`the feature ${feature} .*needs the ${features[feature].edition} edition`));
      }
    }
  });

  it('follows a toggle over the edition, either way', () => {
    for (const feature of featureNames) {
      assert.equal(licenseVerdict(license('enterprise', { [feature]: false }), feature, true, now).allowed, false, `${feature} off`);
      assert.equal(licenseVerdict(license('standard', { [feature]: true }), feature, true, now).allowed, true, `${feature} on`);
    }
  });
});
