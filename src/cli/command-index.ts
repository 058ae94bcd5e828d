import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  /** Flags naming a local file whose text is sent as a property: `{ file: 'content' }` is `--file <path>`. */
  files?: Record<string, string>;
}

export interface CommandIndex {
  commands: IndexedCommand[];
}

/** Written by `npm run build` (write-command-index.ts) beside the compiled CLI. */
export const indexFile = fileURLToPath(new URL('./command-index.json', import.meta.url));

/** What the index is made from: a file here newer than the index means it is out of date. */
const sources = [new URL('../protocol/', import.meta.url), new URL('./', import.meta.url)].map((url) => fileURLToPath(url));

/**
 * The stored index when it is newer than every definition it was made from; otherwise (running
 * from the sources, or after a bare `tsc`) made now from the definitions, which is slower but
 * never out of date.
 */
export async function loadCommandIndex(): Promise<CommandIndex> {
  const stored = readStoredIndex();
  if (stored) return stored;
  const [{ buildCommandIndex }, { allCommands }] = await Promise.all([import('./command-index-build.js'), import('../protocol/commands/index.js')]);
  return buildCommandIndex(allCommands);
}

function readStoredIndex(): CommandIndex | undefined {
  let written: number;
  try {
    written = statSync(indexFile).mtimeMs;
  } catch {
    return undefined;
  }
  if (sources.some((dir) => newestCode(dir) > written)) return undefined;
  return JSON.parse(readFileSync(indexFile, 'utf8')) as CommandIndex;
}

function newestCode(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}
