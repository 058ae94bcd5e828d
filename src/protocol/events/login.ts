import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

/**
 * A console login that needed someone's approval (seed §3.5.1, "Login Approved") was approved.
 * No login flow records it yet; the notifications already tell the user when one does.
 */
export const loginApproved = defineEvent('login.approved', {
  action: 'allow',
  target: targetTypes.user,
  data: z.object({
    /** Whose login it was: who is told. */
    userId: id,
    approverId: id.nullable(),
    approverName: z.string(),
    /** Where the attempt came from, as the login flow saw it. */
    address: z.string().nullable(),
  }),
});

/** Where a console log-in came from, as the server saw it. */
const client = {
  address: z.string().nullable(),
  /** The browser's User-Agent, shortened. */
  agent: z.string().nullable(),
};

/** Someone logged in to the console with their password: a session began (docs/console.md). */
export const loginSucceeded = defineEvent('login.succeeded', {
  action: 'authenticate',
  target: targetTypes.user,
  data: z.object({ userId: id, sessionId: id, ...client }),
});

/**
 * A console log-in was refused: wrong user name or password, or a disabled user. The caller was
 * told only that the log-in failed; the record says which, for whoever reads the audit log.
 * Attempts refused by the rate limit are not recorded one by one (they would let anyone fill the log).
 */
export const loginFailed = defineEvent('login.failed', {
  action: 'authenticate',
  target: targetTypes.user,
  data: z.object({
    /** The user name given (also when no such user exists). */
    user: z.string(),
    userId: id.nullable(),
    reason: z.enum(['unknown_user', 'wrong_password', 'no_password', 'disabled']),
    ...client,
  }),
});

/** A user logged out of the console: the session was revoked. */
export const loggedOut = defineEvent('login.loggedOut', {
  action: 'revoke',
  target: targetTypes.user,
  data: z.object({ userId: id, sessionId: id, ...client }),
});
