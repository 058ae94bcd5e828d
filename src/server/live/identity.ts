/** Who a live stream belongs to, and whether that still holds: the seams the route takes, so tests and sessions plug in. */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../actor.js';

/** Who opens a stream: a console session, a signed request …; null when the request proves no one. */
export type ActorResolver = (request: FastifyRequest) => Promise<Actor | null>;

/** What a check of a stream's session found: whether it holds, and until when (ms since the epoch, by the node's clock) at the latest. */
export interface Validity {
  valid: boolean;
  until: number | null;
}

/** For a request whose identity can end while its stream is open (a console session): how to ask whether it still holds. */
export type ValidityCheck = (request: FastifyRequest) => (() => Promise<Validity>) | undefined;
