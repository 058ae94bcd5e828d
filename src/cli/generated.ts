import { Option, type Command } from 'commander';
import type { CommandIndex, IndexedCommand } from './command-index.js';
import { addFlags } from './flags.js';
import { kebab } from './names.js';
import { outputFormats } from './output-format.js';

/** Commands of the JMX page's two lists and the rebuild, also straight under `maestro admin`. */
const adminShortcuts: Record<string, string> = { rebuild: 'system.rebuild', nodes: 'nodes.describe', jobs: 'jobs.describe' };

/**
 * Registers one CLI command per API command, from the command index:
 * `maestro <manager> <method>` for what tenant users may call, and
 * `maestro admin <noun> <method>` for every command.
 *
 * Only the groups `expand` names get their commands and flags; the others are listed with their
 * actions, which is all `maestro --help` shows. Starting a command thus costs the same however
 * many commands the API has.
 */
export function registerGenerated(program: Command, index: CommandIndex, expand: (group: string) => boolean = () => true): void {
  const admin = program
    .command('admin')
    .description('The administrative interface: every command, by resource (maestro admin <resource> <action>)');
  if (expand('admin')) {
    for (const [noun, commands] of groupBy(index.commands, (command) => command.noun)) addGroup(admin, noun, commands, expand(noun));
    const byName = new Map(index.commands.map((command) => [command.name, command]));
    for (const [name, commandName] of Object.entries(adminShortcuts)) {
      const command = byName.get(commandName);
      if (command) addLeaf(admin, name, command);
    }
  }
  const byManager = groupBy(
    index.commands.filter((command) => command.audience !== 'admin'),
    (command) => kebab(command.manager),
  );
  for (const [manager, commands] of byManager) addGroup(program, manager, commands, expand(manager));
}

function groupBy(commands: readonly IndexedCommand[], key: (command: IndexedCommand) => string): Map<string, IndexedCommand[]> {
  const groups = new Map<string, IndexedCommand[]>();
  for (const command of commands) {
    const group = groups.get(key(command));
    if (group) group.push(command);
    else groups.set(key(command), [command]);
  }
  return groups;
}

/** The group's one-line description lists its actions, so `maestro --help` is a map of the API. */
function addGroup(parent: Command, name: string, commands: readonly IndexedCommand[], withCommands: boolean): void {
  const group = parent.command(name).description(commands.map((command) => kebab(command.method)).join(', '));
  if (withCommands) for (const command of commands) addLeaf(group, kebab(command.method), command);
}

function addLeaf(parent: Command, name: string, command: IndexedCommand): void {
  const leaf = parent
    .command(name)
    .summary(command.summary)
    .description(command.description ? `${command.summary}\n\n${command.description}` : command.summary);
  addFlags(leaf, command.flags);
  for (const [name, property] of Object.entries(command.files ?? {})) {
    leaf.addOption(new Option(`--${name} <path>`, `read ${property} from this file (- for standard input)`));
  }
  const common = 'Input and output:';
  leaf.addOption(new Option('--input <json|@file>', 'the whole input as a JSON object, inline, @file or @- for stdin; flags override its fields').helpGroup(common));
  leaf.addOption(new Option('-o, --output <format>', 'how to print the result').choices(outputFormats).default('table').helpGroup(common));
  leaf.addOption(new Option('--json', 'same as --output json').hideHelp());
  if (command.paged) leaf.addOption(new Option('--all', 'follow nextCursor and print every page').helpGroup(common));
  if (command.job) {
    leaf.addOption(
      new Option('--detach', 'print the job at once instead of following it (a progress bar on a terminal) to its result').helpGroup(common),
    );
  }
  if (command.settles) {
    leaf.addOption(
      new Option('--wait', 'follow the instances until each has settled (running, stopped, terminated or error; a progress bar on a terminal), then print them').helpGroup(common),
    );
  }
  leaf.addHelpText('after', `\nCalls ${command.name} (permission ${command.permission}).`);
  // The call's code (SDK transport, signing, output) is loaded only when a command runs.
  leaf.action(async (_options: unknown, cli: Command) => (await import('./invoke.js')).invoke(cli, command));
}
