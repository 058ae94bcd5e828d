import { Command } from 'commander';
import { version } from '../version.js';
import { builtIns } from './built-ins.js';
import { loadCommandIndex } from './command-index.js';
import { registerGenerated } from './generated.js';

/**
 * The `maestro` command tree. Start-up time is what every command pays, so only the commands
 * `expand` names are built in full (flags, actions, their modules); the others are listed by
 * name and description, which is all that help and an unknown-command error need.
 */
export async function createProgram(expand: (name: string) => boolean): Promise<Command> {
  const program = new Command()
    .name('maestro')
    .description('Maestro: one control plane over AWS, Azure, GCP, OpenStack, VMware and private clouds')
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    // Set before any subcommand exists: commander copies it into each one as it is created.
    // Usage mistakes exit 2 (as invalid_input does), help and --version exit 0.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  for (const builtIn of builtIns) {
    const command = program.command(builtIn.name).description(builtIn.description);
    if (expand(builtIn.name)) await builtIn.define(command, () => createProgram(() => true));
  }
  registerGenerated(program, await loadCommandIndex(), expand);
  return program;
}
