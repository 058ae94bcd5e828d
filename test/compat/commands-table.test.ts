import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compatActions } from '../../src/server/compat/actions/index.js';
import { REFERENCE_FILE } from '../../src/server/compat/reference.js';

/** docs/compat-commands.md: one row per command of the published client, with its state here. */
const table = readFileSync(new URL('../../docs/compat-commands.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => /^\| [a-z][a-z0-9-]* \|/.test(line))
  .map((line) => {
    const [command, action, state] = line.split('|').slice(1, 4).map((cell) => cell.trim());
    return { command: command!, action: action!, state: state! };
  });

const reference = JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as { commands: Record<string, { api_action: string }> };

describe('docs/compat-commands.md, the table of the published client’s commands', () => {
  it('has each of the client’s commands once, with the action it sends', () => {
    assert.deepEqual(
      table.map((row) => [row.command, row.action]),
      Object.entries(reference.commands)
        .map(([command, definition]) => [command, definition.api_action])
        .sort(([a], [b]) => a!.localeCompare(b!)),
    );
  });

  it('says works exactly for the actions this server carries out, client only for those the client keeps to itself', () => {
    const wrong = table.filter((row) => {
      const expected = row.action === 'NO_API' ? 'client only' : compatActions.has(row.action) ? 'works' : 'not yet';
      return row.state !== expected;
    });
    assert.deepEqual(wrong, []);
  });

  it('counts the states in its summary line', () => {
    const text = readFileSync(new URL('../../docs/compat-commands.md', import.meta.url), 'utf8');
    const count = (state: string) => table.filter((row) => row.state === state).length;
    assert.match(text, new RegExp(`Today: ${count('works')} work, ${count('not yet')} not yet, ${count('client only')} client only\\.`));
  });
});
