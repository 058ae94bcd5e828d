#!/usr/bin/env node
import { Command } from 'commander';
import { version } from '../version.js';
import { registerServe } from './serve.js';

const program = new Command()
  .name('maestro')
  .description('Maestro: one control plane over AWS, Azure, GCP, OpenStack, VMware and private clouds')
  .version(version);

registerServe(program);

await program.parseAsync(process.argv);
