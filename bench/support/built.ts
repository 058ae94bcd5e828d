import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The `maestro` executable as installed: the compiled CLI. */
export const cliMain = path.join(root, 'dist/src/cli/main.js');
const commandIndex = path.join(root, 'dist/src/cli/command-index.json');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const builtAt = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);

/**
 * Compiles dist/ as `npm run build` does when any source is newer than it: tsc (which still
 * emits on type errors), then the CLI's command index.
 */
export function ensureBuilt(benchmark: string): void {
  const sources = newestSource(path.join(root, 'src'));
  if (builtAt(cliMain) < sources) {
    console.error(`${benchmark}: dist/ is stale, compiling (tsc -p tsconfig.json) …`);
    try {
      execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
    } catch (error) {
      if (!existsSync(cliMain)) throw error;
      console.error(`${benchmark}: tsc reported errors; measuring what it emitted`);
    }
  }
  if (builtAt(commandIndex) < builtAt(cliMain)) {
    execFileSync(process.execPath, [path.join(root, 'dist/src/cli/write-command-index.js')], { cwd: root, stdio: 'inherit' });
  }
}
