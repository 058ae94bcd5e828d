// `npm run build` runs this after tsc: it stores the command index beside the compiled CLI, so
// that `maestro` starts without working out every command's flags from the schemas.
import { renameSync, writeFileSync } from 'node:fs';
import { allCommands } from '../protocol/commands/index.js';
import { buildCommandIndex } from './command-index-build.js';
import { indexFile } from './command-index.js';

const temporary = `${indexFile}.${process.pid}.tmp`;
writeFileSync(temporary, JSON.stringify(buildCommandIndex(allCommands)));
// Renamed into place, so a CLI starting meanwhile never reads half a file.
renameSync(temporary, indexFile);
process.stdout.write(`wrote ${indexFile} (${allCommands.length} commands)\n`);
