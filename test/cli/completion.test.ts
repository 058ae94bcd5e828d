import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './run-cli.js';

/** What bash would offer after these words: the completion function driven as bash drives it. */
function complete(script: string, words: string[]): string[] {
  const driver = `source ${JSON.stringify(script)}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n_maestro\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const result = spawnSync('bash', ['-c', driver], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

describe('maestro completion', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-completion-'));
  const script = path.join(dir, 'maestro.bash');
  let zsh = '';
  before(async () => {
    const [bash, forZsh] = await Promise.all([runCli(['completion', 'bash']), runCli(['completion', 'zsh'])]);
    assert.equal(bash.code, 0, bash.stderr);
    assert.equal(forZsh.code, 0, forZsh.stderr);
    writeFileSync(script, bash.stdout);
    zsh = forZsh.stdout;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a script bash accepts, and zsh runs it through bashcompinit', () => {
    const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    assert.match(zsh, /^#compdef maestro\nautoload -U \+X bashcompinit && bashcompinit\n/);
    assert.match(zsh, /complete -F _maestro maestro/);
  });

  it('completes managers, actions, flags and the choices of a flag from the command definitions', () => {
    assert.deepEqual(complete(script, ['maestro', 'inst']), ['instances']);
    assert.deepEqual(complete(script, ['maestro', 'admin', 'cust']), ['customer']);
    assert.deepEqual(complete(script, ['maestro', 'instances', 'st']), ['start', 'stop']);
    assert.deepEqual(complete(script, ['maestro', 'instances', 'describe', '--st']), ['--state']);
    assert.deepEqual(complete(script, ['maestro', 'instances', 'describe', '--state', 'ru']), ['running']);
    // A flag's value that happens to be a command name does not move the path.
    assert.deepEqual(complete(script, ['maestro', 'instances', 'describe', '--tenant', 'run', '--reg']), ['--region']);
    assert.deepEqual(complete(script, ['maestro', 'serve', '--da']), ['--data-dir']);
  });

  it('refuses a shell it does not know', async () => {
    const result = await runCli(['completion', 'fish']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh/);
  });
});
