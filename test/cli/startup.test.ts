import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { kebab } from '../../src/cli/names.js';
import { allCommands } from '../../src/protocol/commands/index.js';
import { cliEntry } from '../support/cli-entry.js';
import { runCli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** A module hook that reports on stderr every zod or command-definition module the CLI loads. */
const tracer = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (/\\/node_modules\\/zod\\/|\\/protocol\\/commands\\//.test(resolved.url)) process.stderr.write('loaded ' + resolved.url + '\\n');
    return resolved;
  },
});
`;

describe('maestro start-up: help, version and mistakes, without loading the definitions', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-cli-start-'));
  const traced = { NODE_OPTIONS: `--import ${pathToFileURL(path.join(dir, 'trace.mjs')).href}` };
  // From the sources (dist/ older than src/), the CLI makes its index at start from the definitions.
  const fromBuild = !cliEntry().includes('--import');
  before(() => writeFileSync(path.join(dir, 'trace.mjs'), tracer));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--version prints the package version and nothing else', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], traced);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
      if (fromBuild) assert.equal(result.stderr, '');
    }
  });

  it('--help lists every command group with its actions, having loaded no schema', async (t) => {
    const result = await runCli(['--help'], traced);
    assert.equal(result.code, 0, result.stderr);
    if (fromBuild) assert.equal(result.stderr, '', 'neither zod nor a command definition was loaded (a dist/ built by a bare tsc has no command index: npm run build writes it)');
    else t.diagnostic('run from the sources: the index was made at start (npm run build checks the start-up path)');
    const listed = new Map(
      [...result.stdout.slice(result.stdout.indexOf('Commands:')).matchAll(/^ {2}(\S+)(?: \[\w+\])?\s+(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    for (const name of ['serve', 'agent', 'configure', 'completion', 'admin', 'help']) assert.ok(listed.has(name), `${name} in\n${result.stdout}`);
    const userCommands = allCommands.filter((command) => command.audience !== 'admin');
    for (const command of userCommands) assert.ok(listed.has(kebab(command.manager)), `${command.manager} in --help`);
    // The first action of each group is on its line (the rest may wrap).
    assert.match(listed.get('instances')!, /^run, describe, start, stop/);
  });

  it('a command\'s help shows its flags; admin lists every resource', async () => {
    const [describeHelp, admin, viaHelp] = await Promise.all([
      runCli(['instances', 'describe', '--help']),
      runCli(['admin', '--help']),
      runCli(['help', 'volumes']),
    ]);
    assert.equal(describeHelp.code, 0, describeHelp.stderr);
    for (const flag of ['--tenant <text>', '--id <item>', '--state <choice>', '-o, --output <format>', '--all']) assert.ok(describeHelp.stdout.includes(flag), flag);
    assert.doesNotMatch(describeHelp.stdout, /--ids|--json/);
    assert.match(describeHelp.stdout, /Calls instances\.describe \(permission DESCRIBE_INSTANCE\)/);
    for (const noun of new Set(allCommands.map((command) => command.noun))) assert.match(admin.stdout, new RegExp(`^ {2}${noun} `, 'm'));
    assert.match(viaHelp.stdout, /^ {2}delete \[options\]/m);
  });

  it('a file flag a command declares reads the file, and names the flag when it cannot', async () => {
    const [help, missing] = await Promise.all([
      runCli(['admin', 'billing-account', 'map-file', '--help']),
      runCli(['admin', 'billing-account', 'map-file', '--file', path.join(dir, 'no-such-mapping.csv')]),
    ]);
    assert.match(help.stdout, /--file <path> +read content from this file \(- for standard input\)/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: --file .*no-such-mapping\.csv: ENOENT/m);
  });

  it('an unknown command or action gets one clear error, exit 2, and a suggestion', async () => {
    const [command, action, flag] = await Promise.all([
      runCli(['instancs', 'describe']),
      runCli(['instances', 'strat', '--id', 'x']),
      runCli(['instances', 'describe', '--colour', 'red']),
    ]);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^error: unknown command 'instancs'/m);
    assert.match(command.stderr, /Did you mean instances\?/);
    assert.equal(action.code, 2);
    assert.match(action.stderr, /unknown command 'strat'/);
    assert.match(action.stderr, /Did you mean start\?/);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--colour'/);
  });

  it('--output takes table, json or yaml, and --json cannot contradict it', async () => {
    const [xml, both] = await Promise.all([
      runCli(['instances', 'describe', '--tenant', 't', '--output', 'xml']),
      runCli(['instances', 'describe', '--tenant', 't', '--json', '-o', 'yaml']),
    ]);
    assert.equal(xml.code, 2);
    assert.match(xml.stderr, /argument 'xml' is invalid\. Allowed choices are table, json, yaml/);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^error: --json means --output json; give one of them, not --json with --output yaml/m);
  });
});
