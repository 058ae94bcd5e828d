// The CLI's own failures: plain classes, so that any module may throw them without loading more.

/** A failure the CLI itself detects, reported like a server error: `error (<kind>): <message>`. */
export class CliError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A mistake on the command line (bad --input, a required flag missing). Reported through
 * commander so it reads like commander's own usage errors and exits 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
