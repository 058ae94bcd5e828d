import { AppError } from '../../protocol/errors.js';
import { sha256Hex, sign, signatureHeaderNames as h, signaturesEqual } from '../../protocol/signing.js';
import type { Actor } from '../actor.js';
import type { CredentialStore } from './credentials.js';
import type { ReplayGuard } from './replay-cache.js';

export type Headers = Record<string, string | string[] | undefined>;

const refuse = (message: string, details?: Record<string, unknown>) => new AppError('unauthenticated', message, details);

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the request carries a signature at all (unsigned calls may still reach public methods). */
export const isSigned = (headers: Headers): boolean =>
  header(headers, h.signature) !== undefined || header(headers, h.accessKey) !== undefined;

export interface Authenticator {
  credentials: CredentialStore;
  replays: ReplayGuard;
  windowMs: number;
  now(): number;
}

export interface Authenticated {
  actor: Actor;
  /** The caller's secret key: the Maestro-compatible endpoint encrypts with it. */
  secretKey: string;
}

export interface AuthenticateOptions {
  address?: string | undefined;
  /** When the request arrived (performance.now()): carried on the actor. */
  arrivedAt?: number | undefined;
  /**
   * What ties the body to the signature. `digest` (JSON-RPC): the client must send the body's
   * SHA-256 as maestro-content-sha256, which the signature covers. `sealed` (the Maestro-compatible
   * endpoint): the body is encrypted and authenticated with the caller's secret key, so nobody
   * else can make another valid one, and the published clients send no digest.
   */
  body: 'digest' | 'sealed';
  /** Headers that must be present besides the access key, date and signature. */
  requiredHeaders?: readonly string[];
}

/**
 * Verifies a signed request (seed §8.2, PROTOCOL.md) and returns who sent it. Every refusal says
 * what was wrong, without revealing whether a guessed secret was close.
 */
export async function authenticate(auth: Authenticator, headers: Headers, body: Buffer, address?: string, arrivedAt?: number): Promise<Actor> {
  return (await authenticateRequest(auth, headers, body, { address, arrivedAt, body: 'digest' })).actor;
}

export async function authenticateRequest(
  auth: Authenticator,
  headers: Headers,
  body: Buffer,
  options: AuthenticateOptions,
): Promise<Authenticated> {
  const { address } = options;
  const accessKey = header(headers, h.accessKey);
  const date = header(headers, h.date);
  const signature = header(headers, h.signature);
  const missing = [
    [h.accessKey, accessKey],
    [h.date, date],
    [h.signature, signature],
    ...(options.requiredHeaders ?? []).map((name) => [name, header(headers, name)]),
  ].filter(([, value]) => !value);
  if (missing.length > 0) {
    throw refuse(`the request is not signed: header ${missing.map(([name]) => name).join(', ')} missing`);
  }
  if (!/^\d{1,16}$/.test(date!)) {
    throw refuse(`${h.date} must be milliseconds since the epoch, as digits (got ${JSON.stringify(date!.slice(0, 40))})`);
  }
  const now = auth.now();
  const skewMs = Math.abs(now - Number(date));
  if (skewMs > auth.windowMs) {
    throw refuse(
      `the request date is ${Math.round(skewMs / 1000)} s away from the server clock (at most ${auth.windowMs / 1000} s allowed): ` +
        'check the client clock, and sign each request when it is sent',
    );
  }
  const contentSha256 = header(headers, h.contentSha256);
  if (options.body === 'digest' && !contentSha256) {
    throw refuse(
      `header ${h.contentSha256} missing: this endpoint needs the body's SHA-256 (hex) in it, covered by the signature ` +
        "(Maestro's SDK and CLI send it; see docs/api.md)",
    );
  }
  const credential = await auth.credentials.lookup(accessKey!, now);
  if (!credential) throw refuse(`unknown access key ${accessKey!.slice(0, 64)}`);

  const bodySha256 = sha256Hex(body);
  if (contentSha256 !== undefined && !signaturesEqual(bodySha256, contentSha256.toLowerCase())) {
    throw refuse(`${h.contentSha256} does not match the body: the body was changed after signing`);
  }
  const expected = sign(credential.secretKey, {
    accessKey: accessKey!,
    date: date!,
    userIdentifier: header(headers, h.userIdentifier),
    contentSha256,
  });
  if (!signaturesEqual(expected, signature!)) {
    throw refuse('the signature does not match: check the secret key, and that the date and access key headers are the ones signed');
  }
  // Checked after the signature so that nobody learns about keys they cannot sign for.
  if (credential.expiresAt !== null && credential.expiresAt <= now) {
    throw refuse(`access key ${accessKey} expired at ${new Date(credential.expiresAt).toISOString()}; create a new one`);
  }
  if (credential.userStatus !== 'active') {
    throw refuse(`user ${credential.actor.name} is disabled; an administrator can enable it again`);
  }
  // The body is bound to the signature (digest or seal): a replay is the same signature with the
  // same body, and two calls a client signs within one date tick stay distinct.
  if (!(await auth.replays.remember(`${signature}:${bodySha256}`, now))) {
    throw refuse('this request was already received (a replay); sign every request afresh');
  }
  const agent = header(headers, h.requestIdentifier);
  return {
    actor: {
      ...credential.actor,
      ...(address ? { address } : {}),
      ...(agent ? { agent: agent.slice(0, 128) } : {}),
      ...(options.arrivedAt !== undefined ? { arrivedAt: options.arrivedAt } : {}),
    },
    secretKey: credential.secretKey,
  };
}

/** The shape of the access keys Maestro issues (see auth/key-material.ts). */
const accessKeyShape = /^MK[0-9A-F]{20}$/;

/**
 * Refusal reasons quote the access key header. Anything that does not look like an access key
 * is shortened in the log: a client configured the wrong way round sends its secret key there.
 */
export function reasonForLog(reason: string, headers: Headers): string {
  const raw = headers['maestro-accesskey'];
  const presented = (Array.isArray(raw) ? raw[0] : raw)?.slice(0, 64);
  if (!presented || presented.length < 8 || accessKeyShape.test(presented)) return reason;
  return reason.split(presented).join(`${presented.slice(0, 4)}…(${presented.length} characters, not an access key)`);
}
