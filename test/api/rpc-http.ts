/**
 * Raw HTTP access to the JSON-RPC endpoint for the protocol tests, with a request signer written
 * from the protocol description (PROTOCOL.md, seed §8.2) rather than taken from
 * src/protocol/signing.ts, so that a mistake there shows up as a refused request here.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

export const RPC_PATH = '/api/v1/rpc';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends one request without any client-side validation beyond what node:http insists on. */
export function request(
  baseUrl: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const url = new URL(options.path ?? RPC_PATH, baseUrl);
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'POST',
        agent,
        headers: {
          ...(body !== undefined ? { 'content-length': String(body.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Closes idle keep-alive sockets so a test file can exit promptly. */
export function closeConnections(): void {
  agent.destroy();
}

/**
 * The signature as the protocol describes it: HMAC-SHA256, key = UTF-8 of secretKey + date,
 * message = the parts joined by ':', each digest byte written as '1' and two lowercase hex digits.
 */
export function referenceSignature(secretKey: string, message: string, date: string): string {
  const digest = createHmac('sha256', Buffer.from(`${secretKey}${date}`, 'utf8')).update(Buffer.from(message, 'utf8')).digest();
  return Array.from(digest, (byte) => `1${byte.toString(16).padStart(2, '0')}`).join('');
}

export const sha256 = (body: string | Buffer): string => createHash('sha256').update(body).digest('hex');

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export type SignStyle =
  /** The seed's message M3-POST:<accessKey>:<date>, no user identifier header. */
  | 'seed'
  /** M3-POST:<accessKey>:<date>:<userIdentifier>, as the published clients send it. */
  | 'user'
  /** Our SDK: the user identifier and the body's SHA-256, also sent as maestro-content-sha256. */
  | 'body';

let lastDate = 0;

/** A date that is never the same twice in this process, so equal bodies do not look like replays. */
export function freshDate(now = Date.now()): number {
  lastDate = Math.max(now, lastDate + 1);
  return lastDate;
}

export function signHeaders(
  credentials: Credentials,
  body: string | Buffer,
  options: { style?: SignStyle; date?: number | string; userIdentifier?: string } = {},
): Record<string, string> {
  const style = options.style ?? 'body';
  const date = String(options.date ?? freshDate());
  const userIdentifier = options.userIdentifier ?? 'UNKNOWN';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'maestro-accesskey': credentials.accessKey,
    'maestro-date': date,
    'maestro-request-identifier': 'protocol-test',
  };
  let message = `M3-POST:${credentials.accessKey}:${date}`;
  if (style !== 'seed') {
    headers['maestro-user-identifier'] = userIdentifier;
    message += `:${userIdentifier}`;
  }
  if (style === 'body') {
    const digest = sha256(body);
    headers['maestro-content-sha256'] = digest;
    message += `:${digest}`;
  }
  headers['maestro-authentication'] = referenceSignature(credentials.secretKey, message, date);
  return headers;
}

let nextId = 1;

/** One signed JSON-RPC call; returns the raw response. */
export function signedCall(
  baseUrl: string,
  credentials: Credentials,
  method: string,
  params: unknown = {},
  options: { style?: SignStyle; date?: number | string; id?: unknown } = {},
): Promise<RawResponse> {
  const id = Object.hasOwn(options, 'id') ? options.id : nextId++;
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
  return request(baseUrl, { body, headers: signHeaders(credentials, body, options) });
}

/** Posts any payload (object, batch, or raw text) signed. */
export function signedPost(
  baseUrl: string,
  credentials: Credentials,
  payload: unknown,
  options: { style?: SignStyle; date?: number | string; raw?: boolean; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const body = options.raw ? String(payload) : JSON.stringify(payload);
  return request(baseUrl, { body, headers: { ...signHeaders(credentials, body, options), ...options.headers } });
}

export interface RpcErrorBody {
  jsonrpc: '2.0';
  id: unknown;
  error: { code: number; message: string; data?: { kind?: string; retryable?: boolean; details?: Record<string, unknown> } };
}

export interface RpcResultBody<T = unknown> {
  jsonrpc: '2.0';
  id: unknown;
  result: T;
}
