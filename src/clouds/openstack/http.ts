import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import type { Clock } from '../../domain/clock.js';
import { CloudError } from '../driver.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { connectionError, httpError, neverSent } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  /** Which service is called, for errors ("compute", "identity"). */
  service: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** What the Collector needs of the transport: one request, one answer (or a CloudError). */
export interface HttpSender {
  send(request: HttpRequest): Promise<HttpAnswer>;
}

/**
 * HTTPS to one cloud: certificates verified (against `caBundle` alone when set, the system's
 * authorities otherwise), a timeout per request, and failures a retry can help sent again with
 * back-off on the injected clock. A POST is sent again only when it certainly never arrived
 * (connection refused) or the service said so (503, 429): a POST that may have been processed
 * would create a second server. Answers of 400 and above become CloudErrors.
 */
export class Http implements HttpSender {
  readonly #agent: Agent;

  constructor(
    private readonly options: { caBundle?: string | undefined; requestMs: number; clock: Clock; retry: RetryPolicy },
  ) {
    let ca: string | undefined;
    if (options.caBundle !== undefined) {
      try {
        ca = readFileSync(options.caBundle, 'utf8');
      } catch (error) {
        throw new CloudError('invalid', `caBundle ${options.caBundle} cannot be read: ${(error as Error).message}`);
      }
    }
    this.#agent = new Agent({
      connect: { ...(ca === undefined ? {} : { ca }), rejectUnauthorized: true, timeout: options.requestMs },
      headersTimeout: options.requestMs,
      bodyTimeout: options.requestMs,
    });
  }

  send(request: HttpRequest): Promise<HttpAnswer> {
    const idempotent = request.method !== 'POST';
    return withRetry(() => this.#once(request), {
      policy: this.options.retry,
      clock: this.options.clock,
      ...(request.signal ? { signal: request.signal } : {}),
      shouldRetry: (error) =>
        error instanceof CloudError && error.retryable && (idempotent || neverSent(error) || error.status === 503 || error.status === 429),
    });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  async #once(request: HttpRequest): Promise<HttpAnswer> {
    const path = new URL(request.url).pathname;
    let response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        dispatcher: this.#agent,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (request.signal?.aborted) {
        throw new CloudError('timeout', `${request.service} ${request.method} ${path} was abandoned: the call ran out of time`, {
          retryable: true,
          cause: error,
        });
      }
      throw connectionError(error, { method: request.method, service: request.service, url: request.url });
    }
    const text = await response.text();
    if (response.status >= 400) throw httpError(response.status, text, { method: request.method, service: request.service, path });
    return { status: response.status, headers: response.headers, text };
  }
}
