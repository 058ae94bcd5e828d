import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the data directory could not be locked: unusable (`access`) or held by a live process (`locked`). */
export class DataDirLockError extends Error {
  override name = 'DataDirLockError';
  constructor(
    readonly reason: 'access' | 'locked',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The embedded database is a directory of files that only one process may open; two would
 * corrupt it. A pid file makes the second process stop with a message instead. Creating the
 * directory and the pid file is also the first write into it, so a directory that cannot be
 * used is reported here, before anything else touches it.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'maestro.pid');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || (error as NodeJS.ErrnoException).path !== file) {
      throw new DataDirLockError('access', `cannot create ${file}`, { cause: error });
    }
    let holder: number;
    try {
      holder = Number(readFileSync(file, 'utf8').trim());
    } catch (readError) {
      throw new DataDirLockError('access', `cannot read ${file}`, { cause: readError });
    }
    if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
      throw new DataDirLockError(
        'locked',
        `the data directory ${dataDir} is in use by process ${holder}; stop that Maestro first, ` +
          'or use the API of the running server (maestro admin …) instead',
      );
    }
    try {
      writeFileSync(file, String(process.pid));
    } catch (rewriteError) {
      throw new DataDirLockError('access', `cannot write ${file}`, { cause: rewriteError });
    }
  }
  return () => rmSync(file, { force: true });
}
