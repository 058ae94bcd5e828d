#!/usr/bin/env node
import { createProgram } from './program.js';

// `maestro … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// The words of the command line that are not flags name the commands to build in full.
const named = new Set(process.argv.slice(2).filter((arg) => !arg.startsWith('-')));
const program = await createProgram((name) => named.has(name));
await program.parseAsync(process.argv);
