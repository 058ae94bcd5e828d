import { CloudError, type CloudErrorReason } from '../driver.js';

/**
 * Every way an OpenStack service says no, mapped once to the platform's CloudError reasons. The
 * cloud's own message is kept: Nova and Cinder wrap it in a fault named after the kind
 * (`{"forbidden": {"message": …, "code": 403}}`), Neutron in `{"NeutronError": {"type", "message"}}`,
 * Keystone in `{"error": {"message", "code", "title"}}`; Glance answers in plain text.
 */

/** A service's message as one line of text: Glance writes HTML into its messages (`<br />`). */
const tidy = (text: string) =>
  text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);

/** The message and, where the service names one, the kind of failure, from an error body. */
export function cloudMessage(body: string): { message: string; type: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Glance (and proxies in front of any service) may answer in text or HTML.
    return { message: tidy(body), type: null };
  }
  if (json !== null && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if (value === null || typeof value !== 'object') continue;
      const fault = value as Record<string, unknown>;
      if (typeof fault.message === 'string') {
        const type = key === 'NeutronError' || key === 'error' ? (typeof fault.type === 'string' ? fault.type : typeof fault.title === 'string' ? fault.title : null) : key;
        const detail = typeof fault.detail === 'string' && fault.detail ? ` (${fault.detail})` : '';
        return { message: tidy(`${fault.message}${detail}`), type };
      }
    }
    // Glance's JSON errors: {"message": …, "code": "404 Not Found", "title": "Not Found"}.
    const top = json as Record<string, unknown>;
    if (typeof top.message === 'string') return { message: tidy(top.message), type: typeof top.title === 'string' ? top.title : null };
  }
  return { message: tidy(body), type: null };
}

const quotaWords = /quota|over ?limit|limit exceeded|maximum number/i;
const missingWords = /could not be found|not found|does not exist|unable to find|can ?not find/i;
const capacityWords = /no more ip addresses|no valid host|insufficient|capacity/i;

/** The reason for an HTTP status and the cloud's message about it. */
export function reasonFor(status: number, message: string, type: string | null): { reason: CloudErrorReason; retryable?: boolean } {
  const words = `${type ?? ''} ${message}`;
  if (status === 401) return { reason: 'unauthorized' };
  if (status === 403) return { reason: quotaWords.test(words) ? 'quota' : 'unauthorized' };
  // Neutron's "external network is not reachable from the port's subnet": no router links them.
  if (status === 404 && type === 'ExternalGatewayForFloatingIPNotFound') return { reason: 'invalid' };
  if (status === 404) return { reason: 'not_found' };
  // Nova answers 400 "Image … could not be found." for a missing image or network in a request.
  if (status === 400) return { reason: missingWords.test(words) ? 'not_found' : quotaWords.test(words) ? 'quota' : 'invalid' };
  if (status === 409) {
    if (/OverQuota/.test(type ?? '') || quotaWords.test(words)) return { reason: 'quota' };
    if (capacityWords.test(words) || type === 'IpAddressGenerationFailure') return { reason: 'capacity' };
    return { reason: 'conflict' };
  }
  // 413 is Nova's and Cinder's overLimit: a quota, or a rate limit when it says when to come back.
  if (status === 413) return /rate|retry/i.test(words) ? { reason: 'api', retryable: true } : { reason: 'quota' };
  if (status === 429) return { reason: 'api', retryable: true };
  if (status === 501) return { reason: 'unsupported' };
  if (status >= 500) return { reason: 'api', retryable: true };
  return { reason: 'invalid' };
}

/** A CloudError for a failed HTTP answer, saying which call failed and in the cloud's words. */
export function httpError(status: number, body: string, request: { method: string; service: string; path: string }): CloudError {
  const { message, type } = cloudMessage(body);
  const { reason, retryable } = reasonFor(status, message, type);
  const said = message || `HTTP ${status}`;
  return new CloudError(reason, `${request.service} ${request.method} ${request.path} failed (HTTP ${status}): ${said}`, {
    status,
    ...(retryable === undefined ? {} : { retryable }),
  });
}

/** Codes of failures where the request never reached the service: safe to send again. */
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A CloudError for a request that got no answer: connection refused, reset, timed out, bad TLS. */
export function connectionError(error: unknown, request: { method: string; service: string; url: string }): CloudError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  const text = cause instanceof Error ? cause.message : String(cause);
  const where = `${request.service} at ${request.url}`;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new CloudError('api', `cannot reach ${where}: its TLS certificate is not trusted (${code}: ${text}); set caBundle to the CA that signed it`, {
      retryable: false,
      cause: error,
    });
  }
  if (typeof code === 'string' && /TIMEOUT/.test(code) && !notSent.has(code)) {
    return new CloudError('timeout', `${request.method} ${where} did not answer in time (${code})`, { cause: error });
  }
  return new CloudError('api', `cannot reach ${where}: ${typeof code === 'string' ? `${code}: ` : ''}${text}`, { retryable: true, cause: error });
}

/** Whether a failed request certainly never reached the service (so even a POST may be sent again). */
export function neverSent(error: unknown): boolean {
  const cause = error instanceof CloudError ? error.cause : error;
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as { code?: unknown } | null)?.code;
  return typeof code === 'string' && notSent.has(code);
}
