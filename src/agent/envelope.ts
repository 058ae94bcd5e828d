import { randomUUID } from 'node:crypto';
import { MAX_CALLS, type CallResult } from '../protocol/envelope/calls.js';
import { sealMessage, type SigningKey } from '../protocol/envelope/signed-message.js';
import type { CallFailure } from './messages.js';
import type { WireMessage } from './transport/transport.js';

/**
 * The PROTOCOL.md envelope as the agent and the servers use it: one sealed message per array of
 * calls, one sealed `{results}` per answer. Opening and checking is in
 * src/protocol/envelope/signed-message.ts, the calls are parsed by src/protocol/envelope/calls.ts.
 */

/** A key pair of an agent, and whose it is. */
export interface AgentKey extends SigningKey {
  agent: string;
}

export interface OutgoingCall {
  id?: string;
  type: string;
  params: unknown;
  /** The caller's time budget (PROTOCOL.md `customTimeoutMillis`). */
  timeoutMs?: number;
}

export function sealCalls(
  key: AgentKey,
  calls: readonly OutgoingCall[],
  options: { now: number; messageId?: string; correlationId?: string; replyTo?: string },
): WireMessage {
  const payload = calls.map((call) => ({
    id: call.id ?? randomUUID(),
    type: call.type,
    params: { body: JSON.stringify(call.params ?? null) },
    ...(call.timeoutMs ? { customTimeoutMillis: call.timeoutMs } : {}),
  }));
  const sealed = sealMessage(key, JSON.stringify(payload), { date: options.now, userIdentifier: key.agent });
  return {
    ...sealed,
    messageId: options.messageId ?? payload[0]?.id,
    correlationId: options.correlationId,
    replyTo: options.replyTo,
    type: calls.length === 1 ? calls[0]!.type : 'BATCH',
  };
}

export function sealResults(key: AgentKey, results: readonly CallResult[], options: { now: number; correlationId?: string | undefined }): WireMessage {
  const sealed = sealMessage(key, JSON.stringify({ results }), { date: options.now, userIdentifier: key.agent });
  return { ...sealed, correlationId: options.correlationId, type: 'RESULTS' };
}

const statusByReason: Record<CallFailure['reason'], number> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  quota: 429,
  unsupported: 501,
  api: 502,
  capacity: 503,
  timeout: 504,
};

/** A failed call as a PROTOCOL.md result: `data` holds the failure, `error` its reason. */
export const failedResult = (id: string, failure: CallFailure): CallResult => ({
  id,
  status: 'FAILED',
  data: JSON.stringify(failure),
  error: failure.reason,
  readableError: failure.message,
  statusCode: statusByReason[failure.reason],
});

/**
 * An answer's `{results: [...]}` (PROTOCOL.md), checked by hand: its shape is fixed, and a schema
 * library's general machinery cost more than the check itself on every answer. What each result's
 * `data` holds is parsed with the schemas of messages.ts by whoever asked for it.
 */
export function parseResults(plaintext: string): CallResult[] {
  const payload: unknown = JSON.parse(plaintext);
  const results = isRecord(payload) ? payload.results : undefined;
  if (!Array.isArray(results) || results.length === 0 || results.length > MAX_CALLS) {
    throw new Error(`an answer must be {results: [...]} with 1 to ${MAX_CALLS} results`);
  }
  return results.map((result: unknown, index): CallResult => {
    const problem = resultProblem(result);
    if (problem) throw new Error(`results[${index}]: ${problem}`);
    const { id, status, data, error, readableError, statusCode } = result as CallResult;
    return { id, status, data, error, readableError, statusCode };
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const textOrNull = (value: unknown) => value === null || typeof value === 'string';

function resultProblem(result: unknown): string | null {
  if (!isRecord(result)) return 'must be an object';
  if (typeof result.id !== 'string') return 'id must be a string';
  if (result.status !== 'SUCCESS' && result.status !== 'FAILED') return 'status must be SUCCESS or FAILED';
  if (typeof result.data !== 'string') return 'data must be JSON text';
  if (!textOrNull(result.error)) return 'error must be a string or null';
  if (!textOrNull(result.readableError)) return 'readableError must be a string or null';
  if (typeof result.statusCode !== 'number') return 'statusCode must be a number';
  return null;
}

/** Names the agent signs messages as, and the identity check that goes with it. */
export const signsAs = (key: AgentKey, userIdentifier: string): boolean => key.agent === userIdentifier;
