import type { Command } from 'commander';

/** A command of the CLI itself rather than of the API; its module is loaded only when it is named. */
export interface BuiltIn {
  name: string;
  /** What `maestro --help` shows for it. */
  description: string;
  /** Adds its flags and action; `fullProgram` builds the whole command tree, for those that describe it. */
  define(command: Command, fullProgram: () => Promise<Command>): Promise<void>;
}

export const builtIns: readonly BuiltIn[] = [
  {
    name: 'serve',
    description: 'Start a Maestro control-plane node (embedded PGlite unless DATABASE_URL is set)',
    define: async (command) => (await import('./serve.js')).defineServe(command),
  },
  {
    name: 'agent',
    description: 'Run a private agent near a private cloud, and manage the credentials it keeps',
    define: async (command) => (await import('./agent.js')).defineAgent(command),
  },
  {
    name: 'configure',
    description: 'Save the Maestro URL, access key and secret key for later commands',
    define: async (command) => (await import('./configure.js')).defineConfigure(command),
  },
  {
    name: 'completion',
    description: 'Print a shell completion script for bash or zsh (source <(maestro completion bash))',
    define: async (command, fullProgram) => (await import('./completion.js')).defineCompletion(command, fullProgram),
  },
];
