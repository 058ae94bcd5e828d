import { sign, signatureHeaderNames as h, signaturesEqual } from '../signing.js';
import { decodeSealedBody, EnvelopeError, openSealedBody, sealBodyBytes } from './cipher.js';

/**
 * The Maestro envelope as a message rather than an HTTP request (PROTOCOL.md, "RabbitMQ
 * transport"): the body is the sealed JSON (AES-GCM with the secret key, base64) and the
 * signature headers travel as message headers. The signature covers
 * `M3-POST:<key>:<date>:<userIdentifier>`; the seal binds the body to the same secret, so nobody
 * without it can make another valid body. Used by the private agent and the servers that talk to
 * it; the compatible HTTP endpoint seals its bodies with the same cipher.
 */
export interface SigningKey {
  keyId: string;
  secret: string;
}

export interface SealedMessage {
  /** base64(IV || ciphertext || tag), as ASCII bytes. */
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Signatures by (secret, key, date, identifier). Messages are dated to the whole second (PROTOCOL.md
 * allows it), so every message one key sends within a second carries the same signature: it is
 * computed, and checked, once. The seal still differs per message (a fresh IV), so a replay is
 * still told apart from a new message by its body.
 */
class SignatureMemo {
  readonly #signatures = new Map<string, string>();
  /** The last few used, looked at first: most messages repeat one of them, and no key text is built. */
  readonly #recent: Array<{ secret: string; accessKey: string; date: string; userIdentifier: string; signature: string }> = [];

  get(secret: string, accessKey: string, date: string, userIdentifier: string): string {
    for (const entry of this.#recent) {
      if (entry.date === date && entry.accessKey === accessKey && entry.userIdentifier === userIdentifier && entry.secret === secret) return entry.signature;
    }
    const id = `${secret}\n${accessKey}\n${date}\n${userIdentifier}`;
    let signature = this.#signatures.get(id);
    if (signature === undefined) {
      // A few keys sign at any moment; a second later their entries are of no use.
      if (this.#signatures.size >= 1024) this.#signatures.clear();
      signature = sign(secret, { accessKey, date, userIdentifier });
      this.#signatures.set(id, signature);
    }
    this.#recent.unshift({ secret, accessKey, date, userIdentifier, signature });
    if (this.#recent.length > 4) this.#recent.pop();
    return signature;
  }
}

const memo = new SignatureMemo();

export function sealMessage(key: SigningKey, plaintext: string, options: { date: number; userIdentifier: string; requestIdentifier?: string }): SealedMessage {
  const date = String(Math.floor(options.date / 1000) * 1000);
  return {
    body: sealBodyBytes(key.secret, plaintext),
    headers: {
      [h.accessKey]: key.keyId,
      [h.date]: date,
      [h.userIdentifier]: options.userIdentifier,
      [h.requestIdentifier]: options.requestIdentifier ?? 'maestro-agent',
      [h.signature]: memo.get(key.secret, key.keyId, date, options.userIdentifier),
    },
  };
}

/** Why a message was refused; each becomes the dead-letter reason. */
export type SignedMessageProblem = 'unsigned' | 'date' | 'unknown_key' | 'signature' | 'identity' | 'replay' | 'undecryptable';

export class SignedMessageError extends Error {
  override name = 'SignedMessageError';
  constructor(
    readonly problem: SignedMessageProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Remembers messages; one remembered before is a replay (the server's replay caches fit). */
export interface ReplayGuard {
  remember(key: string, now: number): boolean | Promise<boolean>;
}

export interface OpenSignedOptions<K extends SigningKey> {
  now: number;
  /** How far the date header may be from `now` (the seed's ±5 minutes: 300,000). */
  windowMs: number;
  /** The keys that may sign: by key id, with whatever the caller needs to know of the signer. */
  lookup(keyId: string): K | null | undefined | Promise<K | null | undefined>;
  /** Whether the key may speak as the user identifier it signed (an agent's key for that agent only). */
  identity?(key: K, userIdentifier: string): boolean;
  /** Omit to skip the replay check (a message the broker redelivers is not a replay). */
  replays?: ReplayGuard | undefined;
}

export interface OpenedMessage<K extends SigningKey> {
  key: K;
  userIdentifier: string;
  plaintext: string;
}

const headerText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
};

/**
 * Checks a sealed message: the headers are there, the date is inside the window, the key is
 * known and may speak as the identifier, the signature matches (constant time), the body opens
 * with the key's secret, and it was not seen before. Throws a SignedMessageError saying which.
 */
export async function openSignedMessage<K extends SigningKey>(
  headers: Readonly<Record<string, unknown>>,
  body: Buffer,
  options: OpenSignedOptions<K>,
): Promise<OpenedMessage<K>> {
  const keyId = headerText(headers[h.accessKey]);
  const date = headerText(headers[h.date]);
  const signature = headerText(headers[h.signature]);
  const userIdentifier = headerText(headers[h.userIdentifier]);
  if (!keyId || !date || !signature || !userIdentifier) {
    const missing = [
      [h.accessKey, keyId],
      [h.date, date],
      [h.signature, signature],
      [h.userIdentifier, userIdentifier],
    ].filter(([, value]) => !value);
    throw new SignedMessageError('unsigned', `header ${missing.map(([name]) => name).join(', ')} missing`);
  }
  if (!/^\d{1,16}$/.test(date)) throw new SignedMessageError('date', `${h.date} must be milliseconds since the epoch`);
  const skewMs = Math.abs(options.now - Number(date));
  if (skewMs > options.windowMs) {
    throw new SignedMessageError(
      'date',
      `the message date is ${Math.round(skewMs / 1000)} s away from this clock (at most ${options.windowMs / 1000} s): check both clocks`,
    );
  }
  // Lookups and replay guards are often synchronous: no turn of the event loop is spent on them then.
  const found = options.lookup(keyId);
  const key = found instanceof Promise ? await found : found;
  if (!key) throw new SignedMessageError('unknown_key', `unknown key ${keyId.slice(0, 64)}`);
  const expected = memo.get(key.secret, keyId, date, userIdentifier);
  if (!signaturesEqual(expected, signature)) throw new SignedMessageError('signature', 'the signature does not match');
  if (options.identity && !options.identity(key, userIdentifier)) {
    throw new SignedMessageError('identity', `key ${keyId} may not sign as ${userIdentifier.slice(0, 64)}`);
  }
  const sealed = undecryptable(() => decodeSealedBody(body.toString('latin1')));
  const plaintext = undecryptable(() => openSealedBody(key.secret, sealed));
  if (options.replays) {
    // Once the tag checked out, the IV and tag name the sealed body: nobody without the key makes
    // another body with both. Keyed by body rather than by signature, a body sent again under the
    // headers of another message of the same key is a replay too (the signature does not cover
    // the body). Checked after opening, so a forged copy sent ahead cannot get the real one refused.
    const fresh = options.replays.remember(`${keyId}:${sealed.seal}`, options.now);
    if (!(fresh instanceof Promise ? await fresh : fresh)) throw new SignedMessageError('replay', 'this message was already received (a replay)');
  }
  return { key, userIdentifier, plaintext };
}

function undecryptable<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof EnvelopeError) throw new SignedMessageError('undecryptable', error.message);
    throw error;
  }
}
