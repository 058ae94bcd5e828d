import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instant, timeForms } from '../../src/protocol/common.js';
import { sampleFor, timeFields, type TimeField } from '../support/time-fields.js';

function parse(time: TimeField, value: string) {
  return time.command.input.safeParse({ ...sampleFor(time).base, [time.field]: value });
}

const impossible = ['2026-13-45', '2026-02-30', '2025-02-29', '2026-02-30T10:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T09:30:00', '03/01/2026', 'tomorrow', ''];

describe('time inputs, in every command that asks for one', () => {
  const fields = timeFields();

  it('are found in the definitions', () => {
    const names = fields.map(({ command, field }) => `${command.name}.${field}`);
    for (const known of ['billing.report.from', 'billing.report.to', 'events.describe.from', 'notifications.describeSent.to', 'instances.run.stopAfter', 'instances.run.terminateAfter', 'keys.create.expiresAt', 'licenses.set.endsAt', 'pricePolicies.create.effectiveFrom']) {
      assert.ok(names.includes(known), `${known} is not found among ${names.join(', ')}`);
    }
  });

  for (const time of fields.filter((f) => f.kind === 'time')) {
    const name = `${time.command.name}.${time.field}`;
    it(`${name} takes a date as the start of that day in UTC, and a date-time with Z or an offset`, () => {
      const { base, day } = sampleFor(time);
      const valueOf = (given: string) => {
        const parsed = time.command.input.safeParse({ ...base, [time.field]: given });
        assert.ok(parsed.success, `${name} refuses '${given}': ${parsed.error?.message}`);
        return (parsed.data as Record<string, unknown>)[time.field];
      };
      assert.equal(valueOf(day), `${day}T00:00:00.000Z`);
      assert.equal(valueOf(`${day}T09:30:00+02:00`), `${day}T07:30:00.000Z`);
      assert.equal(valueOf(`${day}T09:30:00.5Z`), `${day}T09:30:00.500Z`);
    });

    it(`${name} refuses anything else with one issue naming the field and the accepted forms`, () => {
      for (const bad of impossible) {
        const parsed = parse(time, bad);
        assert.ok(!parsed.success, `${name} took '${bad}'`);
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        assert.deepEqual(issues, [`${time.field}: must be ${timeForms}, not '${bad}'`], `${name} given '${bad}'`);
      }
    });
  }

  it('refuses a time outside the years 0001 to 9999 in UTC, which the databases cannot store, with one issue', () => {
    for (const time of fields.filter((f) => f.kind === 'time')) {
      for (const bad of ['0000-01-01', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-23:59']) {
        const parsed = parse(time, bad);
        assert.ok(!parsed.success, `${time.command.name}.${time.field} took '${bad}'`);
        assert.deepEqual(
          parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
          [`${time.field}: must be a time in the years 0001 to 9999 (UTC), not '${bad}'`],
        );
      }
    }
    for (const edge of ['0001-01-01', '9999-12-31T23:59:59Z']) assert.ok(instant.safeParse(edge).success, edge);
  });

  for (const month of fields.filter((f) => f.kind === 'month')) {
    const name = `${month.command.name}.${month.field}`;
    it(`${name} takes a month YYYY-MM and refuses anything else with one issue`, () => {
      assert.ok(parse(month, '2026-03').success);
      for (const bad of ['2026-13', '2026-3', '2026-03-01', 'March']) {
        const parsed = parse(month, bad);
        assert.ok(!parsed.success, `${name} took '${bad}'`);
        assert.deepEqual(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`), [`${month.field}: must be a month YYYY-MM (2026-03), not '${bad}'`]);
      }
    });
  }
});
