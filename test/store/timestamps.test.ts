import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toIsoTimestamp } from '../../src/store/database.js';
import { flavours, type TestDatabase } from '../support/databases.js';

describe('timestamps as PostgreSQL writes them', () => {
  it('become ISO-8601 in UTC with milliseconds, whatever the fraction PostgreSQL gives', () => {
    assert.equal(toIsoTimestamp('2026-03-01 12:00:00+00'), '2026-03-01T12:00:00.000Z');
    assert.equal(toIsoTimestamp('2026-03-01 12:00:00.5+00'), '2026-03-01T12:00:00.500Z');
    assert.equal(toIsoTimestamp('2026-03-01 12:00:00.123456+00'), '2026-03-01T12:00:00.123Z');
    assert.equal(toIsoTimestamp('2026-03-01 12:00:00.5Z'), '2026-03-01T12:00:00.500Z');
    assert.equal(toIsoTimestamp('2026-03-01 12:00:00+01'), '2026-03-01T11:00:00.000Z');
  });
});

for (const flavour of flavours) {
  describe(`timestamps read back (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let t: TestDatabase;
    before(async () => (t = await flavour.open()));
    after(() => t?.close());

    it('keep their instant, years before 100 included', async () => {
      const { rows } = await t.db.query<{ at: string; plain: string }>(
        `SELECT '0099-03-01 12:00:00.25+00'::timestamptz AS at, '2026-12-31 23:59:59.999'::timestamp AS plain`,
      );
      assert.deepEqual(rows, [{ at: '0099-03-01T12:00:00.250Z', plain: '2026-12-31T23:59:59.999Z' }]);
    });
  });
}
