import { AppError, errorKinds } from '../../protocol/errors.js';

/** JSON-RPC 2.0 framing: requests, batches, notifications, and the error objects. */
export type JsonRpcId = string | number | null;

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result?: unknown;
  error?: JsonRpcError;
}

export const MAX_BATCH = 100;

export const rpcCodes = { parseError: -32700, invalidRequest: -32600 } as const;

export function errorResponse(id: JsonRpcId, error: JsonRpcError): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

export function toRpcError(error: AppError): JsonRpcError {
  return { code: errorKinds[error.kind].rpcCode, message: error.message, data: error.toData() };
}

const invalidRequest = (message: string): JsonRpcError => ({ code: rpcCodes.invalidRequest, message });

export interface Invocation {
  method: string;
  params: unknown;
}

export type Invoke = (call: Invocation) => Promise<unknown>;

function validId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Runs one request object; undefined for a notification (no id), whose outcome nobody hears. */
async function handleOne(request: unknown, invoke: Invoke): Promise<JsonRpcResponse | undefined> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, invalidRequest('each request must be a JSON object'));
  }
  const r = request as Record<string, unknown>;
  const hasId = Object.hasOwn(r, 'id');
  const id = hasId && validId(r.id) ? r.id : null;
  if (hasId && !validId(r.id)) return errorResponse(null, invalidRequest('id must be a string, a number or null'));
  if (r.jsonrpc !== '2.0') return errorResponse(id, invalidRequest('jsonrpc must be "2.0"'));
  if (typeof r.method !== 'string' || r.method.length === 0) {
    return errorResponse(id, invalidRequest('method must be a non-empty string'));
  }
  if (r.params !== undefined && (typeof r.params !== 'object' || r.params === null)) {
    return errorResponse(id, invalidRequest('params must be an object or an array when given'));
  }
  try {
    const result = await invoke({ method: r.method, params: r.params });
    return hasId ? { jsonrpc: '2.0', id, result: result ?? null } : undefined;
  } catch (error) {
    const appError = error instanceof AppError ? error : new AppError('internal', 'an internal error occurred');
    return hasId ? errorResponse(id, toRpcError(appError)) : undefined;
  }
}

/**
 * Runs a parsed JSON-RPC payload. Batch members run in order, one after the other, so a batch
 * that creates a customer and then its tenant works as written.
 */
export async function handleJsonRpc(
  payload: unknown,
  invoke: Invoke,
): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
  if (!Array.isArray(payload)) return handleOne(payload, invoke);
  if (payload.length === 0) return errorResponse(null, invalidRequest('a batch must hold at least one request'));
  if (payload.length > MAX_BATCH) {
    return errorResponse(null, invalidRequest(`a batch may hold at most ${MAX_BATCH} requests (got ${payload.length})`));
  }
  const responses: JsonRpcResponse[] = [];
  for (const request of payload) {
    const response = await handleOne(request, invoke);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? responses : undefined;
}
