import path from 'node:path';

/**
 * What can stop a node from starting, each with the exit code `maestro serve` ends with, so that
 * a supervisor (systemd, a container orchestrator, a script) can tell a port already taken from a
 * wrong master key without reading the message. 2 is the code of every other usage mistake of the
 * CLI; the rest sit above the call errors' 1–7 (src/protocol/errors.ts). Anything else exits 1.
 */
export const startupProblems = {
  config: { exitCode: 2, summary: 'a setting is invalid (the message names it)' },
  listen: { exitCode: 10, summary: 'the address cannot be listened on (port taken, privileged port, unknown host)' },
  data_dir: { exitCode: 11, summary: 'the data directory cannot be created, read or written' },
  data_dir_locked: { exitCode: 12, summary: 'another running Maestro uses the data directory' },
  database: { exitCode: 13, summary: 'DATABASE_URL cannot be parsed, its server cannot be reached, or it refuses the user or database' },
  master_key: { exitCode: 14, summary: 'the master key is malformed, unreadable, or not the one this database was set up with' },
} as const;

export type StartupProblem = keyof typeof startupProblems;

/** The exit code of a failure nobody foresaw (a bug): the same as the CLI's `internal`. */
export const UNEXPECTED_EXIT_CODE = 1;

/** A start-up failure the operator can fix; its message is one line: what was wrong, what to do. */
export class StartupError extends Error {
  override name = 'StartupError';
  constructor(
    readonly problem: StartupProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return startupProblems[this.problem].exitCode;
  }
}

/** Node's errors from the file system and the network carry a code such as EACCES. */
export function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/** A file-system error in words, without Node's "EACCES: permission denied, open '…'" framing. */
export function describeFileError(error: unknown): string {
  const code = systemErrorCode(error);
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'a file is in the way',
    EISDIR: 'it is a directory',
    ENOSPC: 'the disk is full',
    ENOENT: 'it does not exist',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * Classifies what start-up code did not: a file-system error on a path inside the data directory
 * (a file written by a part of the node that knows nothing of start-up, e.g. the web push keys)
 * is a data directory problem. Everything else stays unexpected.
 */
export function classifyStartupFailure(error: unknown, dataDir: string): StartupError | null {
  if (error instanceof StartupError) return error;
  const file = error instanceof Error ? (error as NodeJS.ErrnoException).path : undefined;
  if (systemErrorCode(error) && typeof file === 'string') {
    const relative = path.relative(dataDir, path.resolve(file));
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
      return new StartupError(
        'data_dir',
        `cannot use ${file}: ${describeFileError(error)}; make the data directory ${dataDir} readable and writable ` +
          'by the user running Maestro, or choose another with MAESTRO_DATA_DIR (or --data-dir)',
        { cause: error },
      );
    }
  }
  return null;
}
