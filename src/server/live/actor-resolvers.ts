import type { FastifyRequest } from 'fastify';
import { authenticate, isSigned, type Authenticator } from '../auth/authenticate.js';
import type { Actor } from '../actor.js';
import type { ActorResolver } from './route.js';

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
