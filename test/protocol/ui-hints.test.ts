import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { allCommands } from '../../src/protocol/commands/index.js';
import { openRpcDocument } from '../../src/protocol/openrpc.js';
import { publishedUiHints, uiHintProblems, type HintedCommand, type UiHints } from '../../src/protocol/ui-hints.js';

const byName = new Map<string, HintedCommand>(allCommands.map((command) => [command.name, command]));

/** A command of its own with the given hints, checked against the real commands (the pickers' sources). */
function problemsOf(ui: UiHints, input = z.strictObject({ tenant: z.string(), region: z.string().optional(), name: z.string() })) {
  const command: HintedCommand = { name: 'test.create', input, output: z.object({ id: z.string() }), permission: 'RUN_INSTANCE', audit: 'create', ui };
  return uiHintProblems(command, byName);
}

describe('UI hints beside the command definitions', () => {
  it('every command names only fields, steps, pickers and wizards that exist', () => {
    const problems = allCommands.flatMap((command) => uiHintProblems(command, byName));
    assert.deepEqual(problems, []);
  });

  it('every picker searches on the server, so long lists are never fetched whole', () => {
    for (const command of allCommands) {
      for (const [field, hint] of Object.entries(command.ui?.fields ?? {})) {
        if (hint?.picker) assert.ok(hint.picker.search, `${command.name}: the picker of ${field} names no search input`);
      }
    }
  });

  it('the seed wizards that exist as capabilities have hints; each wizard action shows a wizard', () => {
    const wizards = new Map(allCommands.filter((c) => c.ui?.wizard).map((c) => [c.name, c.ui!.wizard]));
    assert.equal(wizards.get('instances.run'), 'RUN_INSTANCE_WIZARD');
    assert.equal(wizards.get('quotas.setMonthly'), 'MANAGE_QUOTAS_WIZARD');
    assert.equal(wizards.get('images.create'), 'CREATE_IMAGE_WIZARD');
    assert.equal(wizards.get('volumes.create'), 'CREATE_VOLUME_WIZARD');
    assert.equal(wizards.get('tenants.create'), 'CREATE_TENANT_WIZARD');
    assert.equal(wizards.get('users.create'), 'CREATE_USER_WIZARD');
    const run = allCommands.find((c) => c.name === 'instances.run')!.ui!;
    assert.deepEqual(run.steps!.map((s) => s.title), ['Where', 'What', 'Access', 'Options']);
  });

  it('destructive commands ask before running', () => {
    for (const name of ['instances.terminate', 'instances.stop', 'volumes.delete', 'images.delete', 'approvals.approve', 'approvals.reject']) {
      assert.match(allCommands.find((c) => c.name === name)?.ui?.confirm ?? '', /\?/, name);
    }
    assert.equal(allCommands.find((c) => c.name === 'instances.start')?.ui?.confirm, undefined);
  });

  describe('the checker refuses hints that point at nothing', () => {
    it('a field, a step field, or a showWhen field the input lacks', () => {
      assert.deepEqual(problemsOf({ fields: { nmae: { label: 'Name' } } }), ['test.create: ui.fields.nmae names a field that is not an input of the command']);
      assert.deepEqual(problemsOf({ steps: [{ title: 'One', fields: ['tenant', 'regoin'] }] }), [
        'test.create: ui step "One" names regoin, which is not an input of the command',
      ]);
      assert.deepEqual(problemsOf({ fields: { name: { showWhen: { field: 'zone', present: true } } } }), [
        'test.create: ui.fields.name.showWhen.field zone is not an input of the command',
      ]);
    });

    it('a field listed in two steps, and a step without fields', () => {
      const problems = problemsOf({ steps: [{ title: 'A', fields: ['tenant'] }, { title: 'B', fields: ['tenant', 'name'] }, { title: 'C', fields: [] }] });
      assert.deepEqual(problems, ['test.create: ui steps "A" and "B" both list tenant; list each field once', 'test.create: ui step "C" lists no fields']);
    });

    it('a wizard action that is no _WIZARD action', () => {
      const problems = problemsOf({ wizard: 'RUN_INSTANCE' as never });
      assert.deepEqual(problems, ['test.create: ui.wizard RUN_INSTANCE is not a _WIZARD permission action (src/protocol/permissions.ts)']);
    });

    it('a picker over a missing command, a command that writes, or fields its items lack', () => {
      assert.deepEqual(problemsOf({ fields: { name: { picker: { command: 'images.list', value: 'name' } } } }), [
        'test.create: ui.fields.name.picker command images.list does not exist',
      ]);
      const writes = problemsOf({ fields: { name: { picker: { command: 'instances.run', value: 'name', items: 'instances' } } } });
      assert.match(writes[0]!, /command instances\.run changes state/);
      const fields = problemsOf({ fields: { tenant: { picker: { command: 'tenants.describe', value: 'title', detail: 'colour', search: 'search' } } } });
      assert.deepEqual(fields, [
        'test.create: ui.fields.tenant.picker value title is not a field of the items tenants.describe lists',
        'test.create: ui.fields.tenant.picker detail colour is not a field of the items tenants.describe lists',
      ]);
    });

    it('picker params that read a missing field, name no input, or leave a required input out', () => {
      const problems = problemsOf({
        fields: { name: { picker: { command: 'images.describe', value: 'name', search: 'search', params: { tenant: '$tenant', zone: 'A', region: '$regoin' } } } },
      });
      assert.deepEqual(problems, [
        'test.create: ui.fields.name.picker params.zone is not an input of images.describe',
        'test.create: ui.fields.name.picker params.region reads $regoin, which is not an input of test.create',
      ]);
      assert.deepEqual(problemsOf({ fields: { name: { picker: { command: 'images.describe', value: 'name', search: 'search', params: { tenant: '$tenant' } } } } }), [
        'test.create: ui.fields.name.picker gives no value for region, which images.describe requires; add it to params',
      ]);
    });

    it('a search input the picker command does not take', () => {
      assert.deepEqual(problemsOf({ fields: { tenant: { picker: { command: 'tenants.describe', value: 'name', search: 'query' } } } }), [
        'test.create: ui.fields.tenant.picker search query is not an input of tenants.describe',
      ]);
    });

    it("a result route naming a field the result lacks", () => {
      assert.deepEqual(problemsOf({ resultRoute: '/things/:id' }), []);
      assert.deepEqual(problemsOf({ resultRoute: '/things/:name' }), ["test.create: ui.resultRoute names :name, which is not a field of the command's result"]);
    });
  });

  it('publishes dependsOn from picker params and showWhen', () => {
    const published = publishedUiHints(allCommands.find((c) => c.name === 'instances.run')!.ui!);
    assert.deepEqual(published.fields!.image!.dependsOn, ['tenant', 'region']);
    assert.deepEqual(published.fields!.region!.dependsOn, ['tenant']);
    assert.deepEqual(published.fields!.cpu!.dependsOn, ['shape']);
    assert.equal(published.fields!.tenant!.dependsOn, undefined);
  });

  it('rpc.discover carries columns and ui in x-maestro, and stays JSON', () => {
    const document = openRpcDocument(allCommands, 'test');
    const method = (name: string) => document.methods.find((m) => m.name === name)!['x-maestro'] as Record<string, unknown>;
    assert.deepEqual(method('instances.describe').columns, ['id', 'name', 'state', 'shape', 'region', 'owner', 'managed']);
    assert.equal(method('instances.describe').ui, undefined);
    const ui = method('instances.run').ui as UiHints;
    assert.equal(ui.wizard, 'RUN_INSTANCE_WIZARD');
    assert.deepEqual(ui.fields!.keyName!.dependsOn, ['tenant']);
    assert.equal(method('instances.run').columns, undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document);
    for (const m of document.methods) {
      for (const key of Object.keys(m)) assert.ok(['name', 'summary', 'description', 'paramStructure', 'params', 'result'].includes(key) || key.startsWith('x-'), key);
    }
  });
});
