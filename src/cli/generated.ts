import { Option, type Command } from 'commander';
import type { CommandDefinition } from '../protocol/command.js';
import { allCommands, managers } from '../protocol/commands/index.js';
import { addFlags, flagsOf } from './flags.js';
import { invoke, isPaged } from './invoke.js';
import { kebab } from './names.js';

/**
 * Registers one CLI command per API command, straight from the definitions:
 * `maestro <manager> <method>` for what tenant users may call, and
 * `maestro admin <noun> <method>` for every command.
 */
export function registerGenerated(program: Command): void {
  const admin = program
    .command('admin')
    .description('The administrative interface: every command, by resource (maestro admin <resource> <action>)');
  const adminGroups = new Map<string, Command>();
  const userGroups = new Map<string, Command>();
  for (const command of allCommands) {
    let nounGroup = adminGroups.get(command.noun);
    if (!nounGroup) {
      nounGroup = admin.command(command.noun);
      adminGroups.set(command.noun, nounGroup);
    }
    addLeaf(nounGroup, kebab(command.method), command);

    if (command.audience === 'admin') continue;
    let group = userGroups.get(command.manager);
    if (!group) {
      group = program.command(kebab(command.manager));
      userGroups.set(command.manager, group);
    }
    addLeaf(group, kebab(command.method), command);
  }
  addLeaf(admin, 'rebuild', managers.system.rebuild);
  // The JMX page's two lists, as the seed names them.
  addLeaf(admin, 'nodes', managers.nodes.describe);
  addLeaf(admin, 'jobs', managers.jobs.describe);
  for (const group of [...adminGroups.values(), ...userGroups.values()]) describeGroup(group);
}

function addLeaf(parent: Command, name: string, command: CommandDefinition): void {
  const leaf = parent
    .command(name)
    .summary(command.summary)
    .description(command.description ? `${command.summary}\n\n${command.description}` : command.summary);
  const flags = flagsOf(command);
  addFlags(leaf, flags);
  const common = 'Input and output:';
  leaf.addOption(new Option('--input <json|@file>', 'the whole input as a JSON object, inline, @file or @- for stdin; flags override its fields').helpGroup(common));
  leaf.addOption(new Option('--json', 'print the raw result as JSON').helpGroup(common));
  if (isPaged(command)) leaf.addOption(new Option('--all', 'follow nextCursor and print every page').helpGroup(common));
  leaf.addHelpText('after', `\nCalls ${command.name} (permission ${command.permission}).`);
  leaf.action(async (_options: unknown, cli: Command) => invoke(cli, command, flags));
}

/** The group's one-line description lists its actions, so `maestro --help` is a map of the API. */
function describeGroup(group: Command): void {
  group.description(group.commands.map((c) => c.name()).join(', '));
}
