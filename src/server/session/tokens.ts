import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new session's cookie value: 256 random bits, opaque to everyone but this server. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/** What the database keeps of a session token: its hash, so reading the table gives nobody a session. */
export const sessionTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The CSRF token of a session, derived from the cookie value (so nothing more is stored, and the
 * stored hash does not give it away). A page of another site cannot read it: only the console,
 * which got it in the log-in answer, can send it back in the x-maestro-csrf header.
 */
export const csrfTokenOf = (token: string): string => createHmac('sha256', token).update('maestro console csrf').digest('base64url');

export function csrfTokenMatches(token: string, presented: string): boolean {
  const expected = Buffer.from(csrfTokenOf(token));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A console password for the bootstrap administrator: 24 characters from 144 random bits. */
export const newConsolePassword = (): string => randomBytes(18).toString('base64url');
