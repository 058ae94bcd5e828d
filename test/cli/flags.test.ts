import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { addFlags, flagsOf, flagValues, missingFlags, parseInputOption } from '../../src/cli/flags.js';
import { registerGenerated } from '../../src/cli/generated.js';
import { allCommands, managers } from '../../src/protocol/commands/index.js';
import type { CommandDefinition } from '../../src/protocol/command.js';

/** Parses args against the flags of a definition, without running anything. */
function parse(definition: CommandDefinition, args: string[]): Record<string, unknown> {
  const flags = flagsOf(definition);
  const command = new Command('test')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addFlags(command, flags);
  command.parse(args, { from: 'user' });
  return flagValues(command, flags);
}

function rejects(definition: CommandDefinition, args: string[], pattern: RegExp): void {
  assert.throws(() => parse(definition, args), (error: CommanderError) => pattern.test(error.message));
}

describe('CLI flags from input schemas', () => {
  it('turns properties into typed kebab-case flags', () => {
    assert.deepEqual(
      parse(managers.instances.run, [
        '--tenant', 'T', '--region', 'R', '--image', 'ubuntu', '--cpu', '2', '--ram-gb', '1.5',
        '--tags', 'env=prod', '--tags', '{"team":"a"}', '--no-termination-protection',
      ]),
      { tenant: 'T', region: 'R', image: 'ubuntu', cpu: 2, ramGb: 1.5, tags: { env: 'prod', team: 'a' }, terminationProtection: false },
    );
    assert.deepEqual(parse(managers.tenants.create, ['--contacts', 'a@x.test,b@x.test', '--contacts', 'c@x.test']), {
      contacts: ['a@x.test', 'b@x.test', 'c@x.test'],
    });
    // Nullable properties: --no-<flag> sends null.
    assert.deepEqual(parse(managers.tenants.update, ['--name', 'T', '--no-group']), { name: 'T', group: null });
  });

  it('rejects values that cannot be what the schema wants, naming the flag', () => {
    rejects(managers.instances.run, ['--cpu', 'two'], /--cpu/);
    rejects(managers.instances.run, ['--cpu', '1.5'], /--cpu takes a whole number/);
    rejects(managers.regions.create, ['--cloud', 'MARS'], /Allowed choices are AWS/);
    rejects(managers.regions.create, ['--bogus', 'x'], /unknown option '--bogus'/);
  });

  it('marks required flags, and counts --input towards them', async () => {
    const flags = flagsOf(managers.regions.create);
    assert.match(flags.find((f) => f.property === 'nativeName')!.description, /required/);
    const input = { ...(await parseInputOption('{"cloud":"SIMULATED","kind":"private"}')), name: 'r' };
    assert.deepEqual(missingFlags(flags, input).map((f) => f.flag), ['--native-name']);
    await assert.rejects(parseInputOption('[1]'), /JSON object/);
  });

  it('gives every command a flag set with no clash', () => {
    for (const command of allCommands) assert.ok(Array.isArray(flagsOf(command)), command.name);
  });
});

describe('CLI command tree', () => {
  const program = new Command('maestro');
  registerGenerated(program);
  const find = (...names: string[]) =>
    names.reduce<Command | undefined>((at, name) => at?.commands.find((c) => c.name() === name), program);

  it('has maestro admin <noun> <method> for every command, and the user commands at the top', () => {
    for (const command of allCommands) {
      const method = command.method.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      assert.ok(find('admin', command.noun, method), `admin ${command.noun} ${method}`);
      const manager = command.manager.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      assert.equal(find(manager, method) !== undefined, command.audience !== 'admin', `${manager} ${method}`);
    }
    for (const path of [
      ['admin', 'tenant', 'activate-region'],
      ['admin', 'tenant-group', 'create'],
      ['admin', 'user', 'set-password'],
      ['admin', 'system', 'status'],
      ['admin', 'rebuild'],
      ['tenant-groups'],
    ]) {
      assert.equal(find(...path) !== undefined, path[0] === 'admin', path.join(' '));
    }
    assert.ok(find('admin', 'customer', 'describe')!.options.some((o) => o.long === '--all'));
    assert.ok(!find('admin', 'customer', 'create')!.options.some((o) => o.long === '--all'));
  });
});
