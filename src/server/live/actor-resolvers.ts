import type { FastifyRequest } from 'fastify';
import { authenticate, isSigned, type Authenticator } from '../auth/authenticate.js';
import type { Actor } from '../actor.js';
import type { ActorResolver, ValidityCheck } from './identity.js';

/**
 * Who opens a live stream on a real node: a signed request (SDK, CLI, scripts: signed like a
 * JSON-RPC call with an empty body) is checked like one, refusals included; otherwise the console
 * session, when the node has console sessions.
 */
export function streamActorResolver(deps: { authenticator: Authenticator; session?: ActorResolver }): ActorResolver {
  return async (request: FastifyRequest): Promise<Actor | null> => {
    if (isSigned(request.headers)) return authenticate(deps.authenticator, request.headers, Buffer.alloc(0), request.ip, performance.now());
    return deps.session ? deps.session(request) : null;
  };
}

/**
 * A stream opened with a console session ends with the session: asked again (without counting
 * as use) when an event names its user, and once the session's lifetime or idle timeout may have
 * run out. Signed requests prove who sent them once; nothing to ask.
 */
export function sessionValidity(sessionToken: (request: FastifyRequest) => string | null, idleMs: number): ValidityCheck {
  return (request) => {
    if (isSigned(request.headers)) return undefined;
    const token = sessionToken(request);
    if (!token) return undefined;
    return async () => {
      const found = await request.server.consoleSessions.lookUp(token, { touch: false });
      if (!found.ok) return { valid: false, until: null };
      return { valid: true, until: Math.min(found.session.expiresAt.getTime(), found.session.lastSeenAt.getTime() + idleMs) };
    };
  };
}
