/**
 * One failed call as the console shows it: the server's own sentence (it already says what was
 * wrong and what to do), its error kind, and the fields it names for invalid input.
 */
export class RpcError extends Error {
  constructor(
    message: string,
    /** The server's error kind (invalid_input, forbidden…), or 'network'/'protocol' for failures before an answer. */
    readonly kind: string,
    /** HTTP status, 0 when the server was not reached. */
    readonly status: number,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /**
   * The message of each input field the server complained about, by top-level field name
   * (invalid_input carries details.issues[{path, message}], or details.field for a handler's own check).
   */
  fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {};
    const issues = this.details['issues'];
    if (Array.isArray(issues)) {
      for (const issue of issues) {
        if (!isRecord(issue) || !Array.isArray(issue['path']) || typeof issue['message'] !== 'string') continue;
        const field = issue['path'][0];
        if (typeof field === 'string' && !(field in byField)) byField[field] = issue['message'];
      }
    }
    const field = this.details['field'];
    if (typeof field === 'string' && !(field in byField)) byField[field] = this.message;
    return byField;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a JSON-RPC error object into an RpcError; anything malformed says so instead of guessing. */
export function rpcErrorFrom(error: unknown, status: number): RpcError {
  if (!isRecord(error) || typeof error['message'] !== 'string') {
    return new RpcError(`The server answered HTTP ${status} with an error the console cannot read.`, 'protocol', status);
  }
  const data = isRecord(error['data']) ? error['data'] : {};
  const kind = typeof data['kind'] === 'string' ? data['kind'] : 'internal';
  const details = isRecord(data['details']) ? data['details'] : {};
  return new RpcError(error['message'], kind, status, details);
}

/** Any thrown value as one sentence for the user. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
