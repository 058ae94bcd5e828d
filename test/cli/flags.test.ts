import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { buildCommandIndex } from '../../src/cli/command-index-build.js';
import { checkTimes } from '../../src/cli/flag-parsers.js';
import { flagsOf } from '../../src/cli/flag-schema.js';
import { addFlags, flagValues, missingFlags } from '../../src/cli/flags.js';
import { registerGenerated } from '../../src/cli/generated.js';
import { parseInputOption } from '../../src/cli/input-option.js';
import { allCommands, managers } from '../../src/protocol/commands/index.js';
import type { CommandDefinition } from '../../src/protocol/command.js';
import { timeFields } from '../support/time-fields.js';

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
    // Nullable properties: --clear-<flag> sends null.
    assert.deepEqual(parse(managers.tenants.update, ['--name', 'T', '--clear-group']), { name: 'T', group: null });
  });

  it('takes every boolean flag as --flag, --flag true, --flag false and --no-flag', () => {
    let seen = 0;
    for (const command of allCommands) {
      for (const flag of flagsOf(command).filter((f) => f.kind === 'boolean')) {
        const name = flag.flag.slice(2);
        const spellings: Array<[string[], boolean]> = [
          [[`--${name}`], true],
          [[`--${name}`, 'true'], true],
          [[`--${name}=false`], false],
          [[`--${name}`, 'false'], false],
          [[`--no-${name}`], false],
        ];
        for (const [args, value] of spellings) {
          assert.deepEqual(parse(command, args), { [flag.property]: value }, `${command.name} ${args.join(' ')}`);
        }
        rejects(command, [`--${name}`, 'yes'], new RegExp(`--${name} takes true or false, not 'yes'`));
        seen++;
      }
    }
    assert.ok(seen >= 10, `only ${seen} boolean flags`);
  });

  it('clears every nullable property with --clear-<flag>, and refuses a value and a clear together', () => {
    let seen = 0;
    for (const command of allCommands) {
      for (const flag of flagsOf(command).filter((f) => f.clear)) {
        assert.equal(flag.clear!.flag, `--clear-${flag.flag.slice(2)}`);
        assert.deepEqual(parse(command, [flag.clear!.flag]), { [flag.property]: null }, `${command.name} ${flag.clear!.flag}`);
        seen++;
      }
    }
    // tenants.update group, users.update email, licenses.set endsAt, the three enabled toggles …
    assert.ok(seen >= 6, `only ${seen} nullable flags`);
    assert.throws(() => parse(managers.licenses.toggleFeature, ['--enabled', 'false', '--clear-enabled']), /--enabled or --clear-enabled, not both/);
    rejects(managers.licenses.toggleFeature, ['--enabled', 'null'], /--clear-enabled sends null/);
  });

  it('takes a date or a date-time wherever a time is asked, and refuses anything else naming the flag', async () => {
    const times = timeFields().filter((t) => t.kind === 'time');
    assert.ok(times.length >= 10, `only ${times.length} time fields`);
    for (const { command, field } of times) {
      const flag = flagsOf(command).find((f) => f.property === field)!;
      assert.equal(flag.kind, 'time', `${command.name} ${flag.flag}`);
      assert.match(flag.description, /YYYY-MM-DD .*ISO 8601 date-time/);
      for (const value of ['2026-03-01', '2026-03-01T09:30:00+02:00', '2026-03-01T07:30:00Z']) {
        assert.deepEqual(parse(command, [flag.flag, value]), { [field]: value }, `${command.name} ${flag.flag} ${value}`);
      }
      for (const bad of ['2026-13-45', '2026-02-30', '2026-03-01T09:30']) {
        // Checked before the call (not while parsing, which would load zod for every command).
        await assert.rejects(
          checkTimes([flag], parse(command, [flag.flag, bad])),
          new RegExp(`${flag.flag} must be a date YYYY-MM-DD .* or an ISO 8601 date-time .*, not '${bad}'`),
        );
      }
    }
  });

  it('names ids one way: --id once for one, repeated or comma-separated for many; the old plural still works', () => {
    assert.deepEqual(parse(managers.instances.describe, ['--tenant', 'T', '--id', 'i-1', '--id', 'i-2,i-3']), { tenant: 'T', ids: ['i-1', 'i-2', 'i-3'] });
    assert.deepEqual(parse(managers.instances.describe, ['--ids', 'i-1', '--id', 'i-2']), { ids: ['i-2', 'i-1'] });
    assert.deepEqual(parse(managers.instances.stop, ['--id', 'i-1']), { id: 'i-1' });
    const every = allCommands.flatMap((command) => flagsOf(command).map((flag) => ({ command, flag })));
    const plural = every.filter(({ flag }) => /-ids$/.test(flag.flag) || flag.flag === '--ids');
    assert.deepEqual(plural.map(({ command, flag }) => `${command.name} ${flag.flag}`), []);
    const renamed = every.filter(({ flag }) => flag.aliases.length > 0).map(({ command, flag }) => `${command.name} ${flag.flag}`);
    assert.ok(renamed.includes('instances.describe --id') && renamed.includes('schedules.attach --instance-id'), renamed.join(', '));
    // The hidden spelling is not in the help.
    const command = new Command('describe');
    addFlags(command, flagsOf(managers.volumes.describe));
    assert.match(command.helpInformation(), /--id <item>/);
    assert.doesNotMatch(command.helpInformation(), /--ids/);
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
  registerGenerated(program, buildCommandIndex(allCommands));
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
