import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CallResult } from '../protocol/envelope/calls.js';
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

export const callResult = z.object({
  id: z.string(),
  status: z.enum(['SUCCESS', 'FAILED']),
  data: z.string(),
  error: z.string().nullable(),
  readableError: z.string().nullable(),
  statusCode: z.number(),
});
export const resultsPayload = z.object({ results: z.array(callResult).min(1).max(20) });

/** Names the agent signs messages as, and the identity check that goes with it. */
export const signsAs = (key: AgentKey, userIdentifier: string): boolean => key.agent === userIdentifier;
