import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../protocol/errors.js';
import type { Actor } from '../actor.js';
import type { ActorResolver, ValidityCheck } from './identity.js';
import type { Logger } from '../logger.js';
import type { LiveHub } from './hub.js';
import { parsePosition } from './position.js';

export const LIVE_STREAM_PATH = '/api/v1/events/stream';

export interface LiveRouteDeps {
  hub: LiveHub;
  resolveActor: ActorResolver;
  stillValid?: ValidityCheck;
  logger: Logger;
}

/** Browsers send the last id they saw as a header on reconnect; a page opening a fresh EventSource can pass it in the URL. */
function resumeText(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = request.query as Record<string, unknown> | undefined;
  const given = query?.lastEventId;
  return typeof given === 'string' && given !== '' ? given : undefined;
}

/** GET /api/v1/events/stream: server-sent events of the audit log and the user's notifications (docs/console.md, Live updates). */
export function registerLiveRoute(app: FastifyInstance, deps: LiveRouteDeps): void {
  // No HEAD twin: a HEAD request would take a stream's slot for a response without a body.
  app.get(LIVE_STREAM_PATH, { exposeHeadRoute: false }, async (request, reply) => {
    let actor: Actor | null;
    try {
      actor = await deps.resolveActor(request);
    } catch (error) {
      // A signature that does not hold, a session that ended: the caller's to fix, said plainly.
      if (error instanceof AppError && (error.kind === 'unauthenticated' || error.kind === 'forbidden')) {
        return reply.status(401).send({ error: error.message });
      }
      deps.logger.error({ err: error }, 'could not tell who opened a live stream');
      return reply.status(500).send({ error: 'an internal error occurred; the server log has the details' });
    }
    if (!actor || actor.kind === 'anonymous' || (actor.kind === 'user' && !actor.userId)) {
      return reply.status(401).send({ error: 'the live stream needs a signed-in user: log in to the console (or sign the request with an access key)' });
    }
    if (!deps.hub.hasRoom()) {
      reply.header('retry-after', '5');
      return reply.status(503).send({ error: 'this node serves as many live streams as it may; try again in a few seconds' });
    }
    const text = resumeText(request);
    reply.hijack();
    // An id this server never gave (or one from another installation) resumes nowhere: the stream says reset.
    const resumeFrom = text === undefined ? null : (parsePosition(text) ?? { events: Number.MAX_SAFE_INTEGER, notifications: 0 });
    await deps.hub.open(actor, reply.raw, resumeFrom, deps.stillValid?.(request));
  });
}
