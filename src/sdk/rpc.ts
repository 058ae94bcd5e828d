import { isErrorKind, type ErrorKind } from '../protocol/errors.js';
import { signedHeaders, type SigningCredentials } from '../protocol/signing.js';

export const RPC_PATH = '/api/v1/rpc';

/** A failed call: `kind` is the stable error vocabulary, `message` says what to do. */
export class MaestroError extends Error {
  constructor(
    readonly kind: ErrorKind | 'transport',
    message: string,
    readonly code: number,
    readonly details?: Record<string, unknown>,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'MaestroError';
  }
}

/** Sends one POST and reads its whole answer. */
export type HttpPost = (url: string, request: { headers: Record<string, string>; body: string; timeoutMs: number }) => Promise<{ status: number; text: string }>;

export interface ClientOptions extends Partial<SigningCredentials> {
  url: string;
  /** Sent as maestro-request-identifier, for the audit trail. */
  agent?: string;
  fetch?: typeof fetch;
  /** Sends the requests instead of `fetch` (the CLI's node:http one starts faster than fetch's undici). */
  post?: HttpPost;
  timeoutMs?: number;
  /** The time requests are signed with, in ms; the system clock when omitted (tests move it). */
  now?: () => number;
}

interface RpcError {
  code: number;
  message: string;
  data?: { kind?: unknown; retryable?: unknown; details?: Record<string, unknown> };
}

function toError(error: RpcError): MaestroError {
  const kind = isErrorKind(error.data?.kind) ? error.data.kind : error.code === -32601 ? 'unknown_method' : 'invalid_input';
  return new MaestroError(kind, error.message, error.code, error.data?.details, error.data?.retryable === true);
}

/** Calls by method name, untyped: what the CLI needs, without loading the command definitions. */
export interface RpcClient {
  /** Calls any method by name. */
  call(method: string, params?: unknown): Promise<unknown>;
  /** Sends several calls as one JSON-RPC batch; each settles on its own. */
  batch(calls: ReadonlyArray<{ method: string; params?: unknown }>): Promise<Array<PromiseSettledResult<unknown>>>;
}

/**
 * JSON-RPC over HTTP to Maestro. Every request is signed with the access key and secret key,
 * body included.
 */
export function createRpcClient(options: ClientOptions): RpcClient {
  const endpoint = new URL(RPC_PATH, options.url).toString();
  const send: HttpPost =
    options.post ??
    (async (url, request) => {
      // Read only here: the global fetch loads Node's bundled undici on first touch.
      const response = await (options.fetch ?? fetch)(url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(request.timeoutMs) });
      // A 204 has no body to read; anything else is read whole.
      return { status: response.status, text: response.status === 204 ? '' : await response.text() };
    });
  let nextId = 1;

  async function post(payload: unknown): Promise<unknown> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.accessKey && options.secretKey) {
      Object.assign(
        headers,
        signedHeaders({ accessKey: options.accessKey, secretKey: options.secretKey }, body, {
          requestIdentifier: options.agent ?? 'maestro-sdk-ts',
          ...(options.now ? { date: options.now() } : {}),
        }),
      );
    }
    let response: { status: number; text: string };
    try {
      response = await send(endpoint, { headers, body, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (error) {
      throw new MaestroError('transport', `cannot reach Maestro at ${options.url}: ${(error as Error).message}`, 0, undefined, true);
    }
    if (response.status === 204) return undefined;
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      throw new MaestroError('transport', `Maestro answered HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 200)}`, 0);
    }
  }

  function settle(response: unknown): unknown {
    const r = response as { result?: unknown; error?: RpcError } | undefined;
    if (!r || typeof r !== 'object') throw new MaestroError('transport', 'Maestro sent an empty answer', 0);
    if (r.error) throw toError(r.error);
    return r.result;
  }

  async function call(method: string, params: unknown = {}): Promise<unknown> {
    return settle(await post({ jsonrpc: '2.0', id: nextId++, method, params }));
  }

  async function batch(calls: ReadonlyArray<{ method: string; params?: unknown }>) {
    const requests = calls.map((c) => ({ jsonrpc: '2.0', id: nextId++, method: c.method, params: c.params ?? {} }));
    const responses = await post(requests);
    if (!Array.isArray(responses)) return requests.map(() => ({ status: 'rejected' as const, reason: settleError(responses) }));
    const byId = new Map(responses.map((r: { id: unknown }) => [r.id, r]));
    return requests.map((request): PromiseSettledResult<unknown> => {
      try {
        return { status: 'fulfilled', value: settle(byId.get(request.id)) };
      } catch (reason) {
        return { status: 'rejected', reason };
      }
    });
  }

  function settleError(response: unknown): MaestroError {
    try {
      settle(response);
      return new MaestroError('transport', 'Maestro answered a batch with a single result', 0);
    } catch (error) {
      return error as MaestroError;
    }
  }

  return { call, batch };
}
