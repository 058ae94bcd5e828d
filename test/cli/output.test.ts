import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { formatResult, moreHint, render } from '../../src/cli/output.js';

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
      render(page, { columns: ['name', 'group', 'regions'] }),
      ['name      group  regions', 'ACME-DEV  -      SIM-EAST,SIM-WEST', 'B         ENG'].join('\n') + '\n',
    );
    assert.equal(moreHint(page), 'more: --cursor abc (or --all for every page)');
    assert.equal(moreHint({ items: [], nextCursor: null }), undefined);
  });

  it('prints what a page says besides its rows above the table', () => {
    const page = { publicKey: 'BEl62iUYgU', items: [{ id: 's-1', label: 'laptop' }], nextCursor: null };
    assert.equal(render(page), 'publicKey: BEl62iUYgU\n\nid   label\ns-1  laptop\n');
    assert.equal(render({ publicKey: 'BEl62iUYgU', items: [] }), 'publicKey: BEl62iUYgU\n\n(none)\n');
  });

  it('prints a result of several lists as its fields, the main list as the table, then the others under their names', () => {
    // billing-account map-file --dry-run: before, the whole answer was one row of dashes.
    const answer = {
      dryRun: true,
      changes: [{ cloud: 'AWS', account: '555555555555', name: 'Other', tenant: 'DEFAULT', previousTenant: null, from: 'line 2' }],
      unchanged: 0,
      rules: [{ line: 4, pattern: 'acme-*', matched: 2 }],
    };
    assert.equal(
      render(answer, { columns: ['cloud', 'account', 'tenant', 'from'], row: false, rows: 'changes' }),
      'dryRun:    true\nunchanged: 0\n\ncloud  account       tenant   from\nAWS    555555555555  DEFAULT  line 2\n\nrules:\nline  pattern  matched\n4     acme-*   2\n',
    );
  });

  it('falls back to the first scalar fields, and says so when a list is empty', () => {
    assert.equal(render({ items: [{ tags: { a: 'b' }, id: 'x', n: 2 }] }), 'id  n\nx   2\n');
    assert.equal(render({ instances: [] }), '(none)\n');
    assert.equal(render({ items: [{ id: 'x', tags: { env: 'prod', team: 'a' } }] }, { columns: ['id', 'tags'] }), 'id  tags\nx   env=prod,team=a\n');
  });

  it('keeps every table cell one short line: nested values as key=value lists, long ones cut', () => {
    const nested = { id: 'x', limits: { cpu: 4, ram: { gb: 8 } }, rules: [{ port: 22, cidr: '0.0.0.0/0' }, { port: 443 }], script: `#!/bin/sh\n${'echo hi\n'.repeat(400)}` };
    const [header, row] = render({ items: [nested] }, { columns: ['id', 'limits', 'rules', 'script'] }).trimEnd().split('\n');
    assert.match(header!, /^id\s+limits\s+rules\s+script$/);
    assert.match(row!, /^x\s+cpu=4,ram\.gb=8\s+port=22,cidr=0\.0\.0\.0\/0; port=443\s+#!\/bin\/sh echo hi echo hi .*…$/);
    assert.ok(row!.length < 200, `a row of ${row!.length} characters`);
  });

  it('prints a changed resource as one row of its family table when asked to', () => {
    const instance = { id: 'i-1', name: 'web', state: 'stopping', shape: 'SMALL', region: 'SIM', tags: { a: 'b' } };
    const view = { columns: ['id', 'name', 'state', 'shape', 'region'], row: true };
    const asRow = render(instance, view);
    assert.equal(asRow, render({ instances: [instance] }, view));
    assert.equal(asRow, 'id   name  state     shape  region\ni-1  web   stopping  SMALL  SIM\n');
  });

  it('prints single objects as aligned key: value lines, nested objects indented, lists of objects as sub-tables', () => {
    assert.equal(
      render({ name: 'alice', roles: [{ tenant: 'T', role: 'R' }], email: null, regions: ['A', 'B'], quota: { cpu: 4, ram: { gb: 8 } }, pem: 'a\nb\n' }),
      [
        'name:    alice',
        'roles:',
        '  tenant  role',
        '  T       R',
        'email:   -',
        'regions: A,B',
        'quota:',
        '  cpu: 4',
        '  ram:',
        '    gb: 8',
        'pem:',
        '  a',
        '  b',
      ].join('\n') + '\n',
    );
    assert.equal(render({ ok: true }), 'ok\n');
  });

  it('prints the whole result as JSON or YAML when asked', async () => {
    const result = { items: [{ id: 'x', tags: { env: 'prod' }, note: 'two\nlines' }], nextCursor: null };
    assert.deepEqual(JSON.parse(await formatResult(result, 'json', {})), result);
    assert.deepEqual(parseYaml(await formatResult(result, 'yaml', {})), result);
    assert.equal(await formatResult(undefined, 'yaml', {}), '');
  });
});

describe('report output', () => {
  it('prints a report as a table of its own columns, or its CSV as is', () => {
    const report = { kind: 'total', columns: ['period', 'cost'], rows: [{ period: '2026-04-01', cost: 6.7, currency: 'USD' }], totals: [] };
    assert.equal(render(report), 'period      cost\n2026-04-01  6.7\n');
    assert.equal(render({ ...report, csv: 'period,cost\r\n2026-04-01,6.7\r\n' }), 'period,cost\r\n2026-04-01,6.7\r\n');
  });
});
