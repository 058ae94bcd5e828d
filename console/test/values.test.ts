import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '../src/app/core/rpc-error';
import { resolvePickerParams } from '../src/app/shared/picker-field/picker-source';
import { cellText, headerOf, valueAt } from '../src/app/shared/values';

test('columns read paths into items and name themselves from the path', () => {
  assert.equal(valueAt({ initiator: { name: 'admin' } }, 'initiator.name'), 'admin');
  assert.equal(valueAt({ initiator: null }, 'initiator.name'), undefined);
  assert.equal(headerOf('initiator.name'), 'Initiator name');
  assert.equal(headerOf('ramGb'), 'RAM GB');
  assert.equal(headerOf('instanceId'), 'Instance ID');
});

test('cells show one short line whatever the value', () => {
  assert.equal(cellText(null), '—');
  assert.equal(cellText(true), 'yes');
  assert.equal(cellText(['a', { name: 'b' }]), 'a, b');
  assert.equal(cellText({ env: 'prod', team: 'web' }), 'env=prod, team=web');
  assert.equal(cellText({ name: 'SIM-LOCAL', id: 'x' }), 'SIM-LOCAL');
});

test("a picker waits for the fields its parameters read, and sends the others' values", () => {
  const hint = { command: 'images.describe', value: 'name', params: { tenant: '$tenant', region: '$region', catalog: 'public' } };
  assert.deepEqual(resolvePickerParams(hint, { tenant: 'acme', region: '' }), { params: { tenant: 'acme', catalog: 'public' }, missing: ['region'] });
});

test("the server's invalid_input details land at the fields they name", () => {
  const error = new RpcError('invalid parameters', 'invalid_input', 400, {
    issues: [
      { path: ['name'], message: 'name is at most 64 characters' },
      { path: ['tags', 'env'], message: 'too long' },
      { path: [], message: 'whole' },
    ],
  });
  assert.deepEqual(error.fieldErrors(), { name: 'name is at most 64 characters', tags: 'too long' });
});
