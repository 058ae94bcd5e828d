import { MaestroError } from '../sdk/rpc.js';
import { errorKinds, isErrorKind } from '../protocol/errors.js';
import { CliError } from './errors.js';

/** The exit code when the server cannot be reached at all (the SDK's 'transport' kind). */
export const TRANSPORT_EXIT_CODE = 7;

/** The exit code of an error kind, as `maestro --help` of each command documents. */
export function exitCodeOf(kind: string): number {
  return isErrorKind(kind) ? errorKinds[kind].exitCode : kind === 'transport' ? TRANSPORT_EXIT_CODE : 1;
}

/** Writes the error to stderr and sets the exit code; the caller returns normally. */
export function reportError(error: unknown): void {
  let kind: string;
  let message: string;
  let exitCode: number;
  if (error instanceof MaestroError) {
    kind = error.kind;
    message = error.message;
    exitCode = exitCodeOf(error.kind);
  } else if (error instanceof CliError) {
    ({ kind, message, exitCode } = error);
  } else {
    // A bug in the CLI rather than a refused call: keep the stack for whoever reports it.
    kind = 'internal';
    message = error instanceof Error ? (process.env.MAESTRO_DEBUG ? String(error.stack) : error.message) : String(error);
    exitCode = 1;
  }
  process.stderr.write(`error (${kind}): ${message}\n`);
  process.exitCode = exitCode;
}
