import { Injectable, inject } from '@angular/core';
import { SessionService } from './session.service';
import { RpcError, isRecord, rpcErrorFrom } from './rpc-error';

const rpcUrl = '/api/v1/rpc';

export interface RpcCall {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * JSON-RPC 2.0 over POST /api/v1/rpc with the session cookie and the CSRF header. Every failure
 * becomes one RpcError with a sentence a user can act on; a 401 also ends the session.
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly session = inject(SessionService);
  private nextId = 1;

  async call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const [result] = await this.batch([{ method, params }]);
    if (result instanceof RpcError) throw result;
    return result as T;
  }

  /** Several calls in one request; each answer is its result or its RpcError, in the calls' order. */
  async batch(calls: readonly RpcCall[]): Promise<Array<unknown>> {
    if (calls.length === 0) return [];
    const requests = calls.map((call) => ({ jsonrpc: '2.0', id: this.nextId++, method: call.method, params: call.params ?? {} }));
    const single = requests.length === 1;
    const { status, body } = await this.post(single ? requests[0] : requests);
    const answers = Array.isArray(body) ? body : [body];
    const byId = new Map<unknown, unknown>();
    for (const answer of answers) if (isRecord(answer)) byId.set(answer['id'], answer);
    if (single && byId.size === 0 && isRecord(body)) byId.set(requests[0]!.id, body);
    return requests.map((request) => {
      const answer = byId.get(request.id);
      if (!isRecord(answer)) {
        return new RpcError(`The server answered HTTP ${status} without an answer to ${request.method}; try again.`, 'protocol', status);
      }
      if ('error' in answer) return rpcErrorFrom(answer['error'], status);
      return answer['result'];
    });
  }

  private async post(payload: unknown): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(rpcUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-maestro-csrf': this.session.csrfToken() },
        body: JSON.stringify(payload),
      });
    } catch {
      throw new RpcError('The server cannot be reached; check your connection and try again.', 'network', 0);
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 401) {
      // The server's words speak to API callers (sign the request…); a console user only needs to log in again.
      const ended = 'Your session has ended (expired, logged out elsewhere, or your password changed); log in again.';
      this.session.ended(ended);
      throw new RpcError(ended, 'unauthenticated', 401);
    }
    if (body === null) {
      throw new RpcError(`The server answered HTTP ${response.status} with no JSON; try again later.`, 'protocol', response.status);
    }
    return { status: response.status, body };
  }
}
