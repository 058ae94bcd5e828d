import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcMethod } from '../src/app/core/openrpc';
import { controlValueFromText, errorText, formFieldsOf, inputsOf, isVisible } from '../src/app/shared/command-form/form-model';

const run: RpcMethod = {
  name: 'instances.run',
  params: [
    { name: 'tenant', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9]+$', maxLength: 8 } },
    { name: 'shape', required: false, schema: { type: 'string' } },
    { name: 'cpu', required: false, schema: { type: 'integer', minimum: 1, maximum: 64 } },
    { name: 'count', required: false, schema: { type: 'integer', minimum: 1, default: 1 } },
    { name: 'tags', required: false, schema: { type: 'object', additionalProperties: { type: 'string' } } },
    { name: 'securityGroups', required: false, schema: { type: 'array', items: { type: 'string' } } },
    { name: 'protect', required: false, schema: { type: 'boolean', default: false } },
    { name: 'at', required: false, schema: { type: 'string', format: 'date-time' } },
    { name: 'limit', required: false, schema: { type: 'integer' } },
  ],
  'x-maestro': {
    ui: {
      fields: {
        tenant: { label: 'Tenant', picker: { command: 'tenants.describe', value: 'name' } },
        cpu: { showWhen: { field: 'shape', present: false }, dependsOn: ['shape'] },
      },
    },
  },
};

const fieldsByName = () => {
  const fields = formFieldsOf(run);
  return { fields, by: Object.fromEntries(fields.map((field) => [field.name, field])) };
};
const valuesOf = (fields: ReturnType<typeof formFieldsOf>) => Object.fromEntries(fields.map((field) => [field.name, field.control.value]));

test('each input gets its widget from the hints, else from its schema; paging inputs are not asked', () => {
  const { fields } = fieldsByName();
  assert.deepEqual(
    fields.map((field) => `${field.name}:${field.kind}`),
    ['tenant:picker', 'shape:text', 'cpu:number', 'count:number', 'tags:tags', 'securityGroups:list', 'protect:checkbox', 'at:datetime'],
  );
});

test("the schema's checks apply with a sentence naming the field", () => {
  const { by } = fieldsByName();
  by['tenant']!.control.setValue('');
  assert.equal(errorText(by['tenant']!), 'Tenant is required.');
  by['tenant']!.control.setValue('bad!');
  assert.match(errorText(by['tenant']!) ?? '', /does not have the expected form/);
  by['cpu']!.control.setValue('0');
  assert.equal(errorText(by['cpu']!), 'CPU is at least 1.');
  by['cpu']!.control.setValue('2.5');
  assert.equal(errorText(by['cpu']!), 'CPU is a whole number.');
});

test('inputs are typed from the form; fields that do not show are left out', () => {
  const { fields, by } = fieldsByName();
  by['tenant']!.control.setValue('acme');
  by['cpu']!.control.setValue('4');
  by['tags']!.control.setValue(['env=prod', 'note=a=b']);
  by['securityGroups']!.control.setValue(['web']);
  by['protect']!.control.setValue(true);
  assert.deepEqual(inputsOf(fields, valuesOf(fields)), {
    tenant: 'acme',
    cpu: 4,
    count: 1,
    tags: { env: 'prod', note: 'a=b' },
    securityGroups: ['web'],
    protect: true,
  });
  by['shape']!.control.setValue('SMALL');
  const values = valuesOf(fields);
  assert.equal(isVisible(by['cpu']!, values), false);
  assert.equal('cpu' in inputsOf(fields, values), false);
});

test('a link or a row fills fields from text', () => {
  const { by } = fieldsByName();
  assert.deepEqual(controlValueFromText(by['securityGroups']!, 'a, b'), ['a', 'b']);
  assert.deepEqual(controlValueFromText(by['tags']!, '{"env":"prod"}'), ['env=prod']);
  assert.equal(controlValueFromText(by['protect']!, 'true'), true);
});
