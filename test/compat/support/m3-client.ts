// A Maestro protocol client written from ../shared/PROTOCOL.md alone, as the published clients
// behave: it shares no code with the server (no src/ imports), so the server is tested against
// the protocol, not against itself.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';

export interface M3Credentials {
  accessKey: string;
  secretKey: string;
}

export interface M3ClientOptions extends M3Credentials {
  url: string;
  /** `UNKNOWN` is what the command-line client sends. */
  userIdentifier?: string;
  /** Milliseconds since the epoch to sign with; the system clock when omitted. */
  now?: () => number;
  path?: string;
}

/** HMAC-SHA256 keyed with secretKey + date over M3-POST:<accessKey>:<date>:<user>, each byte as '1' + two hex digits. */
export function m3Signature(secretKey: string, accessKey: string, date: string, userIdentifier: string): string {
  const digest = createHmac('sha256', Buffer.from(secretKey + date, 'utf8')).update(`M3-POST:${accessKey}:${date}:${userIdentifier}`, 'utf8').digest();
  return [...digest].map((byte) => `1${byte.toString(16).padStart(2, '0')}`).join('');
}

function gcm(secretKey: string): `aes-${128 | 192 | 256}-gcm` {
  return `aes-${(Buffer.byteLength(secretKey, 'utf8') * 8) as 128 | 192 | 256}-gcm`;
}

export function m3Encrypt(secretKey: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(gcm(secretKey), Buffer.from(secretKey, 'utf8'), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
}

export function m3Decrypt(secretKey: string, body: string): string {
  const bytes = Buffer.from(body, 'base64');
  const decipher = createDecipheriv(gcm(secretKey), Buffer.from(secretKey, 'utf8'), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
}

export interface M3Call {
  type: string;
  /** Sent as the JSON text of params.body (null when undefined), as the published clients do. */
  params?: Record<string, unknown>;
  /** Fields put directly in params beside body (some clients do this). */
  direct?: Record<string, unknown>;
  id?: string;
}

export interface M3Result {
  id: string;
  status: string;
  data: string;
  error: unknown;
  readableError: unknown;
  statusCode: number;
}

export interface M3Response {
  httpStatus: number;
  /** The decrypted text, for checks on its exact form. */
  text: string;
  results: M3Result[];
  /** Set when the server answered outside the envelope (401, 413, 400). */
  message?: string;
}

export interface RawRequest {
  body: string;
  headers: Record<string, string>;
}

export function m3Client(options: M3ClientOptions) {
  const endpoint = new URL(options.path ?? '/maestro/api/v3', options.url).toString();
  const user = options.userIdentifier ?? 'UNKNOWN';

  /** The request exactly as a published client sends it; tests may change it before posting. */
  function build(calls: readonly M3Call[], credentials: M3Credentials = options): RawRequest {
    const date = String(options.now ? options.now() : Date.now());
    const payload = calls.map((call) => ({
      id: call.id ?? randomUUID(),
      type: call.type,
      params: { ...(call.direct ?? {}), body: call.params === undefined ? null : JSON.stringify(call.params) },
    }));
    return {
      body: m3Encrypt(credentials.secretKey, JSON.stringify(payload)),
      headers: {
        'content-type': 'application/json',
        'maestro-accesskey': credentials.accessKey,
        'maestro-date': date,
        'maestro-user-identifier': user,
        'maestro-request-identifier': 'api-server',
        'maestro-authentication': m3Signature(credentials.secretKey, credentials.accessKey, date, user),
        'maestro-sdk-version': '3.70.0',
        'maestro-sdk-async': 'false',
      },
    };
  }

  async function post(request: RawRequest, secretKey = options.secretKey): Promise<M3Response> {
    const response = await fetch(endpoint, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    if (response.status !== 200) {
      let message: string | undefined;
      try {
        message = (JSON.parse(text) as { message?: string }).message;
      } catch {
        message = text;
      }
      return { httpStatus: response.status, text, results: [], ...(message !== undefined ? { message } : {}) };
    }
    const plaintext = m3Decrypt(secretKey, text);
    return { httpStatus: 200, text: plaintext, results: (JSON.parse(plaintext) as { results: M3Result[] }).results };
  }

  return {
    build,
    post,
    /** Sends calls as one batch. */
    batch: (calls: readonly M3Call[]) => post(build(calls)),
    /** One call; its data parsed on success, an Error with readableError otherwise. */
    async call<T = unknown>(type: string, params?: Record<string, unknown>): Promise<T> {
      const response = await post(build([{ type, ...(params !== undefined ? { params } : {}) }]));
      if (response.httpStatus !== 200) throw new Error(`HTTP ${response.httpStatus}: ${response.message}`);
      const result = response.results[0]!;
      if (result.status !== 'SUCCESS') throw new M3CallError(result);
      return JSON.parse(result.data) as T;
    },
  };
}

export class M3CallError extends Error {
  constructor(readonly result: M3Result) {
    super(`${result.statusCode} ${String(result.error)}: ${String(result.readableError)}`);
    this.name = 'M3CallError';
  }
}

export type M3Client = ReturnType<typeof m3Client>;
