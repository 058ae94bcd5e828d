import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudParam, m3 } from '../../src/server/compat/params.js';

describe('parameter types as the published clients send them', () => {
  it('reads numbers given as text, and refuses what is no number', () => {
    assert.equal(m3.integer(1, 100).parse('42'), 42);
    assert.equal(m3.integer(1, 100).safeParse('4x').success, false);
    assert.equal(m3.integer(1, 100).safeParse('101').success, false);
  });

  it('matches enum values without regard to case, giving them as written in the schema', () => {
    assert.equal(m3.oneOf(['START', 'STOP']).parse('stop'), 'STOP');
    assert.match(m3.oneOf(['START', 'STOP']).safeParse('pause').error!.issues[0]!.message, /one of START, STOP/);
  });

  it('reads lists as arrays or comma-separated text, and flags as booleans or text', () => {
    assert.deepEqual(m3.list().parse('a, b,,c'), ['a', 'b', 'c']);
    assert.deepEqual(m3.list().parse(['a', 1]), ['a', '1']);
    assert.equal(m3.flag().parse('TRUE'), true);
    assert.equal(m3.flag().parse(false), false);
  });

  it('reads dates as milliseconds, ISO 8601 or dd.mm.yyyy, and refuses impossible ones without throwing', () => {
    assert.equal(m3.date().parse('1767225600000'), '2026-01-01T00:00:00.000Z');
    assert.equal(m3.date().parse('31.12.2025'), '2025-12-31T00:00:00.000Z');
    for (const bad of ['31.02.2026', 'yesterday', 9007199254740993, '99999999999999999']) {
      const parsed = m3.date().safeParse(bad);
      assert.equal(parsed.success, false, String(bad));
      assert.match(parsed.error!.issues[0]!.message, /must be a date/);
    }
  });

  it('takes the clients’ cloud names, mapping those Maestro has under another name', () => {
    assert.equal(cloudParam().parse('vmware'), 'VSPHERE');
    assert.equal(cloudParam().parse('Enterprise'), 'SIMULATED');
    assert.equal(cloudParam().parse('YANDEX'), null);
    assert.equal(cloudParam().safeParse('NOWHERE').success, false);
  });
});
