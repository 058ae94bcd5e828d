import { EnvelopeError } from './cipher.js';

/**
 * The decrypted request and response of the Maestro protocol (PROTOCOL.md, "Envelope"): an array
 * of 1..20 calls `{id, type, params: {body: "<JSON text>"}}`, answered by `{results: [...]}` with
 * each call's data as JSON text.
 */
export const MAX_CALLS = 20;

export type CallStatus = 'SUCCESS' | 'FAILED';

export interface CallResult {
  id: string;
  status: CallStatus;
  data: string;
  error: string | null;
  readableError: string | null;
  statusCode: number;
}

/** A call as sent; a call whose framing is wrong carries why, and fails on its own. */
export type ParsedCall =
  | { ok: true; id: string; type: string; params: Record<string, unknown>; customTimeoutMillis?: number }
  | { ok: false; id: string; problem: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The parameters of a call: the JSON text in `params.body`, merged over fields given directly in `params`. */
function callParams(params: unknown): Record<string, unknown> | string {
  if (params === undefined || params === null) return {};
  if (!isObject(params)) return 'params must be an object';
  const { body, ...direct } = params;
  if (body === undefined || body === null) return direct;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    if (body.trim() === '' || body.trim() === 'null') return direct;
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'params.body must be the parameters as JSON text';
    }
  }
  if (!isObject(parsed)) return 'params.body must hold a JSON object';
  // The usual call has nothing beside its body: the parsed body is the parameters as they are.
  return hasKeys(direct) ? { ...direct, ...parsed } : parsed;
}

function hasKeys(value: Record<string, unknown>): boolean {
  for (const name in value) if (Object.hasOwn(value, name)) return true;
  return false;
}

export function parseCalls(plaintext: string): ParsedCall[] {
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext);
  } catch {
    throw new EnvelopeError('the decrypted body is not JSON: it must be the array of calls');
  }
  if (!Array.isArray(payload)) throw new EnvelopeError('the decrypted body must be an array of calls [{id, type, params}]');
  if (payload.length === 0) throw new EnvelopeError('the batch holds no calls');
  if (payload.length > MAX_CALLS) throw new EnvelopeError(`a batch holds at most ${MAX_CALLS} calls (got ${payload.length}); send several`);
  return payload.map((call, index): ParsedCall => {
    const id = isObject(call) && typeof call.id === 'string' && call.id.length > 0 ? call.id.slice(0, 128) : `call-${index + 1}`;
    if (!isObject(call)) return { ok: false, id, problem: 'each call must be an object {id, type, params}' };
    if (typeof call.id !== 'string' || call.id.length === 0) return { ok: false, id, problem: 'the call has no id' };
    if (typeof call.type !== 'string' || !/^[A-Z0-9_]{1,100}$/i.test(call.type)) {
      return { ok: false, id, problem: 'type must name an action, e.g. DESCRIBE_INSTANCE' };
    }
    const params = callParams(call.params);
    if (typeof params === 'string') return { ok: false, id, problem: params };
    const timeout = Number(call.customTimeoutMillis);
    const customTimeoutMillis = Number.isSafeInteger(timeout) && timeout > 0 ? timeout : undefined;
    return { ok: true, id, type: call.type.toUpperCase(), params, ...(customTimeoutMillis ? { customTimeoutMillis } : {}) };
  });
}

/** Parameters the client nested under the action's request wrapper, brought up beside the others. */
export function unwrap(params: Record<string, unknown>, wrapper: string | undefined): Record<string, unknown> {
  if (wrapper === undefined || !isObject(params[wrapper])) return params;
  const { [wrapper]: nested, ...rest } = params;
  return { ...rest, ...(nested as Record<string, unknown>) };
}

export const success = (id: string, data: unknown): CallResult => ({
  id,
  status: 'SUCCESS',
  data: JSON.stringify(data ?? null),
  error: null,
  readableError: null,
  statusCode: 200,
});

export const failure = (id: string, statusCode: number, error: string, readableError: string): CallResult => ({
  id,
  status: 'FAILED',
  data: 'null',
  error,
  readableError,
  statusCode,
});

/** `results` is the only key, so the text ends with `}]}` as the Python client expects. */
export const responseText = (results: readonly CallResult[]): string => JSON.stringify({ results });
