import type { FastifyRequest } from 'fastify';
import { AppError } from '../../protocol/errors.js';
import type { Actor } from '../actor.js';
import type { ConsoleSessions, SessionLookup } from './console-sessions.js';
import { sessionCookieOf } from './cookie.js';
import { csrfTokenMatches } from './tokens.js';

export const CSRF_HEADER = 'x-maestro-csrf';

declare module 'fastify' {
  interface FastifyInstance {
    /** Console sessions (src/server/session/), for routes of any plugin context. */
    consoleSessions: ConsoleSessions;
  }
}

/** The console session cookie's token in a request, or null. */
export const sessionTokenOf = (request: FastifyRequest): string | null => sessionCookieOf(request.headers.cookie);

/** Whether the browser came over https (directly, or through a proxy Fastify is told to trust). */
export const cameOverHttps = (request: FastifyRequest): boolean => request.protocol === 'https';

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The user of the request's console session, from the cookie alone (GET routes such as the live
 * stream need no CSRF token: they change nothing, and SameSite=Strict keeps other sites from
 * sending the cookie). null when there is no cookie or the session is not usable any more.
 * The request counts as use of the session (idle timeout).
 */
export async function sessionActor(request: FastifyRequest): Promise<Actor | null> {
  const token = sessionTokenOf(request);
  if (!token) return null;
  const found = await request.server.consoleSessions.lookUp(token, { touch: true, address: request.ip });
  return found.ok ? found.actor : null;
}

/**
 * The session of a request that changes something (JSON-RPC, log-out): the cookie, and the CSRF
 * token in the x-maestro-csrf header, which a page of another site cannot know. Throws
 * `forbidden` for a missing or wrong header, `unauthenticated` for a session that ended.
 */
export async function csrfCheckedSession(request: FastifyRequest, token: string, arrivedAt?: number): Promise<SessionLookup & { ok: true }> {
  const presented = headerValue(request, CSRF_HEADER);
  if (!presented) {
    throw new AppError(
      'forbidden',
      `a call with the console session cookie needs the header ${CSRF_HEADER} holding the csrfToken of the log-in answer (GET ${'/api/v1/session'} gives it again)`,
    );
  }
  if (!csrfTokenMatches(token, presented)) {
    throw new AppError('forbidden', `the ${CSRF_HEADER} header does not match this session's csrfToken; reload the console, or log in again`);
  }
  const found = await request.server.consoleSessions.lookUp(token, {
    touch: true,
    address: request.ip,
    ...(arrivedAt !== undefined ? { arrivedAt } : {}),
  });
  if (!found.ok) throw sessionEnded(found.why);
  return found;
}

export const sessionEnded = (why: string): AppError => new AppError('unauthenticated', `your console session ended (${why}); log in again`);
