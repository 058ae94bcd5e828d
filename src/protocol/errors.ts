/**
 * The closed error vocabulary. Every failure a caller can see is one of these kinds; each kind
 * maps once to a JSON-RPC code, an HTTP status and a CLI exit code, and says whether retrying
 * the same call can help.
 */
export const errorKinds = {
  invalid_input: { rpcCode: -32602, httpStatus: 400, exitCode: 2, retryable: false },
  unknown_method: { rpcCode: -32601, httpStatus: 404, exitCode: 2, retryable: false },
  unauthenticated: { rpcCode: -32001, httpStatus: 401, exitCode: 3, retryable: false },
  forbidden: { rpcCode: -32003, httpStatus: 403, exitCode: 3, retryable: false },
  license: { rpcCode: -32004, httpStatus: 403, exitCode: 3, retryable: false },
  not_found: { rpcCode: -32005, httpStatus: 404, exitCode: 4, retryable: false },
  conflict: { rpcCode: -32009, httpStatus: 409, exitCode: 5, retryable: false },
  invalid_state: { rpcCode: -32010, httpStatus: 409, exitCode: 5, retryable: false },
  limit_exceeded: { rpcCode: -32011, httpStatus: 422, exitCode: 6, retryable: false },
  payload_too_large: { rpcCode: -32013, httpStatus: 413, exitCode: 2, retryable: false },
  rate_limited: { rpcCode: -32029, httpStatus: 429, exitCode: 7, retryable: true },
  unavailable: { rpcCode: -32050, httpStatus: 503, exitCode: 7, retryable: true },
  internal: { rpcCode: -32603, httpStatus: 500, exitCode: 1, retryable: true },
} as const;

export type ErrorKind = keyof typeof errorKinds;

export interface ErrorData {
  kind: ErrorKind;
  retryable: boolean;
  /** Machine-readable details: which field, which resource, which permission. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.details = details;
  }

  get retryable(): boolean {
    return errorKinds[this.kind].retryable;
  }

  toData(): ErrorData {
    return {
      kind: this.kind,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const notFound = (what: string, name: string, hint?: string) =>
  new AppError(
    'not_found',
    `${what} '${name}' does not exist${hint ? `: ${hint}` : ''}`,
    { resource: what, name },
  );

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', message, details);

export const invalidInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('invalid_input', message, details);

export const invalidState = (message: string, details?: Record<string, unknown>) =>
  new AppError('invalid_state', message, details);

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && Object.hasOwn(errorKinds, value);
}

export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new AppError('forbidden', message, details);
