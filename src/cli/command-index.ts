import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Audience } from '../protocol/command.js';
import type { Flag } from './flag.js';

/**
 * What the CLI needs to know about one API command, as plain data: its flags already worked out
 * from the input schema, so that starting `maestro` loads neither zod nor the definitions.
 */
export interface IndexedCommand {
  /** `manager.method`, the JSON-RPC method. */
  name: string;
  manager: string;
  method: string;
  noun: string;
  audience: Audience;
  summary: string;
  description?: string;
  permission: string;
  flags: Flag[];
  /** A list command: its output is a page and its input takes a cursor (so it gets --all). */
  paged: boolean;
  /** The columns of its table: its own hint, else its family's (see command-index-build.ts). */
  columns?: string[];
  /** Prints its single resource as one row of its family's table instead of a record. */
  row: boolean;
  /** The field whose items are the table's rows, where the output holds several lists. */
  rows?: string;
  /** Answers a job (`{ job: { id, status } }`) that the CLI follows to its end unless --detach. */
  job: boolean;
  /** Flags naming a local file whose text is sent as a property: `{ file: 'content' }` is `--file <path>`. */
  files?: Record<string, string>;
  /** Answers instances the cloud goes on changing: `--wait` follows them until they settle. */
  settles?: boolean;
}

export interface CommandIndex {
  commands: IndexedCommand[];
}

/** Written by `npm run build` (write-command-index.ts) beside the compiled CLI. */
export const indexFile = fileURLToPath(new URL('./command-index.json', import.meta.url));

/**
 * The modules the stored index is made from. tsc rewrites every output file on each build, so one
 * of them newer than the index means the index predates the build (a bare `tsc` does not write it).
 */
const sources = ['../protocol/commands/index.js', './command-index-build.js', './flag-schema.js'].map((file) => fileURLToPath(new URL(file, import.meta.url)));

/**
 * The stored index when it is as new as the build; otherwise (a bare `tsc`, or running from the
 * sources through tsx, where files change one by one) made now from the definitions, which is
 * slower but never out of date.
 */
export async function loadCommandIndex(): Promise<CommandIndex> {
  const stored = import.meta.url.endsWith('.js') ? readStoredIndex() : undefined;
  if (stored) return stored;
  const [{ buildCommandIndex }, { allCommands }] = await Promise.all([import('./command-index-build.js'), import('../protocol/commands/index.js')]);
  return buildCommandIndex(allCommands);
}

function readStoredIndex(): CommandIndex | undefined {
  const written = statSync(indexFile, { throwIfNoEntry: false })?.mtimeMs;
  if (written === undefined || sources.some((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > written)) return undefined;
  return JSON.parse(readFileSync(indexFile, 'utf8')) as CommandIndex;
}
