import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing of the Maestro API (seed §8.2, PROTOCOL.md). The HMAC-SHA256 key is the UTF-8
 * of `secretKey + date`; the message is `M3-POST:<accessKey>:<date>:<userIdentifier>` (or, for
 * clients that send no user identifier, the seed's `M3-POST:<accessKey>:<date>`). Each digest
 * byte is written as '1' plus two lowercase hex digits, giving 96 characters.
 *
 * Maestro's own SDK also signs the body: it sends `maestro-content-sha256` and appends
 * `:<that hex digest>` to the message, so a captured signature cannot carry another body.
 */
export const signatureHeaderNames = {
  signature: 'maestro-authentication',
  date: 'maestro-date',
  accessKey: 'maestro-accesskey',
  userIdentifier: 'maestro-user-identifier',
  requestIdentifier: 'maestro-request-identifier',
  contentSha256: 'maestro-content-sha256',
} as const;

export interface SignatureInput {
  accessKey: string;
  date: string;
  userIdentifier?: string | undefined;
  contentSha256?: string | undefined;
}

export function signatureMessage(input: SignatureInput): string {
  let message = `M3-POST:${input.accessKey}:${input.date}`;
  if (input.userIdentifier !== undefined || input.contentSha256 !== undefined) {
    message += `:${input.userIdentifier ?? ''}`;
  }
  if (input.contentSha256 !== undefined) message += `:${input.contentSha256}`;
  return message;
}

/** Each byte as the protocol writes it: '1' and two lowercase hex digits. */
const byteText = Array.from({ length: 256 }, (_, byte) => (byte + 0x100).toString(16));

export function sign(secretKey: string, input: SignatureInput): string {
  // A string key is used as its UTF-8 bytes, without a Buffer made for it.
  const digest = createHmac('sha256', secretKey + input.date)
    .update(signatureMessage(input), 'utf8')
    .digest();
  let out = '';
  for (const byte of digest) out += byteText[byte];
  return out;
}

/** Constant-time comparison; unequal lengths fail without revealing where. */
export function signaturesEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export const sha256Hex = (body: string | Uint8Array): string =>
  createHash('sha256').update(body).digest('hex');

export interface SigningCredentials {
  accessKey: string;
  secretKey: string;
}

/** The headers a client sends with one request. */
export function signedHeaders(
  credentials: SigningCredentials,
  body: string,
  options: { date?: number; userIdentifier?: string; requestIdentifier?: string } = {},
): Record<string, string> {
  const date = String(options.date ?? Date.now());
  const userIdentifier = options.userIdentifier ?? credentials.accessKey;
  const contentSha256 = sha256Hex(body);
  return {
    [signatureHeaderNames.accessKey]: credentials.accessKey,
    [signatureHeaderNames.date]: date,
    [signatureHeaderNames.userIdentifier]: userIdentifier,
    [signatureHeaderNames.requestIdentifier]: options.requestIdentifier ?? 'maestro-sdk-ts',
    [signatureHeaderNames.contentSha256]: contentSha256,
    [signatureHeaderNames.signature]: sign(credentials.secretKey, {
      accessKey: credentials.accessKey,
      date,
      userIdentifier,
      contentSha256,
    }),
  };
}
