import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertToParamMap } from '@angular/router';
import type { RpcMethod } from '../src/app/core/openrpc';
import { filterFieldsOf, filterValuesFrom, sortSupportOf } from '../src/app/shared/list-query';

const resources: RpcMethod = {
  name: 'resources.describe',
  params: [
    { name: 'tenant', required: true, schema: { type: 'string' } },
    { name: 'type', required: false, schema: { type: 'string', enum: ['instance', 'volume'] } },
    { name: 'managed', required: false, schema: { type: 'boolean' } },
    { name: 'ids', required: false, schema: { type: 'array', items: { type: 'string' } } },
    { name: 'sort', required: false, schema: { type: 'string', enum: ['name', '-name', 'createdAt', '-createdAt'] } },
    { name: 'order', required: false, schema: { type: 'string', enum: ['asc', 'desc'] } },
    { name: 'limit', required: false, schema: { type: 'integer' } },
    { name: 'cursor', required: false, schema: { type: 'string' } },
  ],
};
const events: RpcMethod = {
  name: 'events.describe',
  params: [
    { name: 'from', required: false, schema: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } },
    { name: 'order', required: false, schema: { type: 'string', enum: ['oldest', 'newest'], default: 'oldest' } },
  ],
};

test('filters are the scalar inputs, required first, without paging and sorting', () => {
  const fields = filterFieldsOf(resources);
  assert.deepEqual(fields.map((field) => [field.name, field.kind]), [['tenant', 'text'], ['type', 'enum'], ['managed', 'boolean']]);
  assert.deepEqual(fields[1]!.options, ['instance', 'volume']);
});

test('order is a filter where the command has no sort input (events: newest first)', () => {
  assert.deepEqual(filterFieldsOf(events).map((field) => [field.name, field.kind]), [['from', 'datetime'], ['order', 'enum']]);
});

test('the page asks its chosen filters first after the required ones', () => {
  assert.deepEqual(filterFieldsOf(resources, ['managed']).map((field) => field.name), ['tenant', 'managed', 'type']);
});

test("the URL's text becomes the command's typed inputs", () => {
  const query = convertToParamMap({ tenant: 'acme', managed: 'false', type: '', other: 'x' });
  assert.deepEqual(filterValuesFrom(query, filterFieldsOf(resources)), { tenant: 'acme', managed: false });
});

test('sorting offers the ascending keys and knows whether order is separate', () => {
  assert.deepEqual(sortSupportOf(resources), { keys: ['name', 'createdAt'], hasOrder: true });
  assert.equal(sortSupportOf(events), null);
});
