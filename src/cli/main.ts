#!/usr/bin/env node
import { Command } from 'commander';
import { version } from '../version.js';
import { registerAgent } from './agent.js';
import { registerConfigure } from './configure.js';
import { registerGenerated } from './generated.js';
import { registerServe } from './serve.js';

// `maestro … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command()
  .name('maestro')
  .description('Maestro: one control plane over AWS, Azure, GCP, OpenStack, VMware and private clouds')
  .version(version)
  .showHelpAfterError('(add --help for usage)')
  // Set before any subcommand exists: commander copies it into each one as it is created.
  // Usage mistakes exit 2 (as invalid_input does), help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

registerServe(program);
registerAgent(program);
registerConfigure(program);
registerGenerated(program);

await program.parseAsync(process.argv);
