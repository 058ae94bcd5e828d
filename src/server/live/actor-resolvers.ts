import type { FastifyRequest } from 'fastify';
import { authenticate, isSigned, type Authenticator } from '../auth/authenticate.js';
import type { Actor } from '../actor.js';
import type { ActorResolver, ValidityCheck } from './route.js';

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
 * as use) when an event names its user. Signed requests prove who sent them once; nothing to ask.
 */
export function sessionValidity(sessionToken: (request: FastifyRequest) => string | null): ValidityCheck {
  return (request) => {
    if (isSigned(request.headers)) return undefined;
    const token = sessionToken(request);
    if (!token) return undefined;
    return async () => (await request.server.consoleSessions.lookUp(token, { touch: false })).ok;
  };
}
