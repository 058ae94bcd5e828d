import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moreHint, render } from '../../src/cli/output.js';

describe('CLI output', () => {
  it('prints pages as aligned tables with the hinted columns', () => {
    const page = {
      items: [
        { name: 'ACME-DEV', customer: 'ACME', group: null, regions: ['SIM-EAST', 'SIM-WEST'], hidden: 1 },
        { name: 'B', customer: 'ACME', group: 'ENG', regions: [], hidden: 2 },
      ],
      nextCursor: 'abc',
    };
    assert.equal(
      render(page, ['name', 'group', 'regions']),
      ['name      group  regions', 'ACME-DEV  -      SIM-EAST,SIM-WEST', 'B         ENG'].join('\n') + '\n',
    );
    assert.equal(moreHint(page), 'more: --cursor abc (or --all for every page)');
    assert.equal(moreHint({ items: [], nextCursor: null }), undefined);
  });

  it('falls back to the first scalar fields, and says so when a list is empty', () => {
    assert.equal(render({ items: [{ tags: { a: 'b' }, id: 'x', n: 2 }] }), 'id  n\nx   2\n');
    assert.equal(render({ instances: [] }), '(none)\n');
    assert.equal(render({ items: [{ id: 'x', tags: { env: 'prod', team: 'a' } }] }, ['id', 'tags']), 'id  tags\nx   env=prod,team=a\n');
  });

  it('prints single objects as aligned key: value lines, nested values as JSON', () => {
    assert.equal(
      render({ name: 'alice', roles: [{ tenant: 'T', role: 'R' }], email: null, pem: 'a\nb\n' }),
      ['name:  alice', 'roles: [{"tenant":"T","role":"R"}]', 'email: -', 'pem:', '  a', '  b'].join('\n') + '\n',
    );
    assert.equal(render({ ok: true }), 'ok\n');
  });
});

describe('report output', () => {
  it('prints a report as a table of its own columns, or its CSV as is', () => {
    const report = { kind: 'total', columns: ['period', 'cost'], rows: [{ period: '2026-04-01', cost: 6.7, currency: 'USD' }], totals: [] };
    assert.equal(render(report), 'period      cost\n2026-04-01  6.7\n');
    assert.equal(render({ ...report, csv: 'period,cost\r\n2026-04-01,6.7\r\n' }), 'period,cost\r\n2026-04-01,6.7\r\n');
  });
});
