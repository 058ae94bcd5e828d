import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spreadOverDays } from '../../src/server/billing/focus/days.js';
import { NO_TAGS, parseTags } from '../../src/server/billing/focus/tags.js';
import { add, decimalText, parseDecimal, type Decimal } from '../../src/domain/billing/decimal.js';
import { isCurrencyCode, parseAmount, parseTimestamp } from '../../src/server/billing/focus/values.js';

describe('FOCUS values', () => {
  it('reads ISO 8601 date/times as FOCUS and the providers write them, and nothing else', () => {
    const midnight = Date.UTC(2026, 2, 1);
    for (const text of ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z', '2026-03-01T01:00:00+01:00', '2026-03-01 00:00:00 UTC', '2026-03-01T00:00', '2026-03-01']) {
      assert.equal(parseTimestamp(text), midnight, text);
    }
    assert.equal(parseTimestamp('2024-02-29T12:00:00Z'), Date.UTC(2024, 1, 29, 12));
    for (const text of ['1969-12-31T00:00:00Z', '0099-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z', '03/01/2026', 'yesterday', '2026-03-01T00:00:00Q']) {
      assert.equal(parseTimestamp(text), null, text);
    }
  });

  it('reads numbers in the FOCUS numeric format only, exactly', () => {
    const read = (text: string) => {
      const amount = parseAmount(text);
      return typeof amount === 'string' ? amount : decimalText(amount);
    };
    assert.deepEqual(['0', '-1.5', '.25', '35.2E-7', '1e3', '0.1234567890123456789'].map(read), ['0', '-1.5', '0.25', '0.00000352', '1000', '0.1234567890123456789']);
    for (const text of ['+1', '1,000', '$3', '1 GB', 'NaN', 'Infinity', '1e999', ' 1', '']) assert.equal(read(text), 'is not a number', text);
    assert.equal(read('2e12'), 'is beyond ±10^12');
    assert.equal(read('1e-41'), 'has more than 40 decimal places');
  });

  it('knows ISO 4217 currency codes', () => {
    assert.deepEqual(['USD', 'EUR', 'JPY', 'usd', 'XYZ', 'US'].map(isCurrencyCode), [true, true, true, false, false, false]);
  });

  it('keeps tags as text under a canonical key, whatever their order in the file', () => {
    const a = parseTags('{"team":"a","env":"dev","count":3,"billable":true,"label":null}');
    const b = parseTags('{"label":null,"billable":true,"count":3,"env":"dev","team":"a"}');
    assert.deepEqual(a, b);
    assert.deepEqual(a, {
      key: '{"billable":"true","count":"3","env":"dev","label":"","team":"a"}',
      tags: { billable: 'true', count: '3', env: 'dev', label: '', team: 'a' },
    });
    assert.equal(parseTags(''), NO_TAGS);
    assert.equal(parseTags('{}'), NO_TAGS);
    assert.deepEqual(parseTags('{"__proto__":"x"}'), { key: '{"__proto__":"x"}', tags: JSON.parse('{"__proto__":"x"}') });
    assert.equal(parseTags('["env"]'), 'is not a JSON object');
    assert.equal(parseTags('{"env":{"nested":1}}'), 'has a value that is an object or an array');
    assert.equal(parseTags('{"env":"a\\u0000b"}'), 'holds a NUL character or a broken \\u escape');
    assert.equal(parseTags('env=dev'), 'is not JSON');
  });

  it('spreads a cost over the days of its charge period in proportion to time, to the exact total', () => {
    const spread = (start: string, end: string, cost: string) => {
      const shares: [string, string][] = [];
      spreadOverDays(Date.parse(start), Date.parse(end), parseDecimal(cost)!, (day, share) =>
        shares.push([new Date(day).toISOString().slice(0, 10), Number(decimalText(share)).toString()]),
      );
      return shares;
    };
    assert.deepEqual(spread('2026-03-01T05:00:00Z', '2026-03-01T06:00:00Z', '2'), [['2026-03-01', '2']]);
    assert.deepEqual(spread('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2'), [['2026-03-01', '2']]);
    assert.deepEqual(spread('2026-03-01T18:00:00Z', '2026-03-02T06:00:00Z', '2'), [['2026-03-01', '1'], ['2026-03-02', '1']]);
    assert.deepEqual(spread('2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', '2'), [['2026-03-01', '2']]);
    const month: Decimal[] = [];
    spreadOverDays(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z'), parseDecimal('0.1')!, (_day, share) => month.push(share));
    assert.equal(month.length, 31);
    assert.equal(decimalText(month[0]!), '0.003225806451');
    assert.equal(decimalText(month.reduce(add)), '0.100000000000');
  });
});
