import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcMethod } from '../src/app/core/openrpc';
import { actionApplies, callsForRows, inputsFromRow, missingInputs } from '../src/app/shared/command-table/row-calls';

const method = (name: string, params: RpcMethod['params']): RpcMethod => ({ name, params });
const stop = method('instances.stop', [
  { name: 'tenant', required: true, schema: { type: 'string' } },
  { name: 'id', required: true, schema: { type: 'string' } },
]);
const tagsSet = method('tags.set', [
  { name: 'tenant', required: true, schema: { type: 'string' } },
  { name: 'resourceId', required: true, schema: { type: 'string' } },
  { name: 'tags', required: true, schema: { type: 'object', additionalProperties: { type: 'string' } } },
]);
const markRead = method('notifications.markRead', [
  { name: 'ids', required: true, schema: { type: 'array', items: { type: 'string' } } },
  { name: 'read', required: false, schema: { type: 'boolean', default: true } },
]);

test('a row gives the inputs it names; the tenant comes from the table when the row lacks it', () => {
  const inputs = inputsFromRow(stop, { command: 'instances.stop', label: 'Stop' }, { id: 'i-1', state: 'running' }, { tenant: 'acme' });
  assert.deepEqual(inputs, { tenant: 'acme', id: 'i-1' });
  assert.deepEqual(missingInputs(stop, inputs), []);
});

test("a row's tags are not what the user wants to set: Manage tags asks for them", () => {
  const row = { id: 'i-1', tags: { env: 'prod' } };
  const inputs = inputsFromRow(tagsSet, { command: 'tags.set', label: 'Tags', from: { resourceId: 'id' } }, row, { tenant: 'acme' });
  assert.deepEqual(inputs, { tenant: 'acme', resourceId: 'i-1' });
  assert.deepEqual(missingInputs(tagsSet, inputs), ['tags']);
});

test('several rows with an array input become one call collecting their ids', () => {
  const action = { command: 'notifications.markRead', label: 'Read', from: { ids: 'id' }, extra: { read: true } };
  const perRow = [{ id: 'a' }, { id: 'b' }, { id: 'a' }].map((row) => inputsFromRow(markRead, action, row, {}));
  assert.deepEqual(callsForRows(markRead, perRow), [{ method: 'notifications.markRead', params: { ids: ['a', 'b'], read: true } }]);
});

test('several rows of a one-id command become one call each', () => {
  const perRow = [{ id: 'a' }, { id: 'b' }].map((row) => inputsFromRow(stop, { command: 'instances.stop', label: 'Stop' }, row, { tenant: 't' }));
  assert.deepEqual(callsForRows(stop, perRow), [
    { method: 'instances.stop', params: { tenant: 't', id: 'a' } },
    { method: 'instances.stop', params: { tenant: 't', id: 'b' } },
  ]);
});

test("an action's condition picks the rows it applies to", () => {
  const action = { command: 'instances.stop', label: 'Stop', when: { field: 'type', equals: 'instance' } };
  assert.equal(actionApplies(action, { type: 'instance' }), true);
  assert.equal(actionApplies(action, { type: 'volume' }), false);
});
