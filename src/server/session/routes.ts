import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../protocol/errors.js';
import type { Client, ConsoleSessions } from './console-sessions.js';
import { clearedSessionCookie, sessionCookie } from './cookie.js';
import { cameOverHttps, csrfCheckedSession, sessionEnded, sessionTokenOf } from './request-session.js';

export const SESSION_PATH = '/api/v1/session';

const logInBody = z.strictObject({
  user: z.string().min(1, 'user must not be empty').max(128, 'user is at most 128 characters'),
  password: z.string().min(1, 'password must not be empty').max(256, 'password is at most 256 characters'),
});

const clientOf = (request: FastifyRequest): Client => {
  const agent = request.headers['user-agent'];
  return { address: request.ip, agent: typeof agent === 'string' ? agent.slice(0, 256) : null, requestId: request.id };
};

function parseLogIn(body: unknown): z.output<typeof logInBody> {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    throw new AppError('invalid_input', 'send the log-in as JSON: {"user": "<name>", "password": "<password>"}');
  }
  const parsed = logInBody.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
    throw new AppError('invalid_input', `the log-in must be {"user": "<name>", "password": "<password>"}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Answers of the session routes: `{error}` with the status its kind maps to; session answers are never cached. */
function refuse(reply: FastifyReply, error: AppError, status?: number): FastifyReply {
  const code = status ?? (error.kind === 'unauthenticated' ? 401 : error.kind === 'forbidden' ? 403 : error.kind === 'invalid_input' ? 400 : 500);
  return reply.status(code).send({ error: error.message, kind: error.kind });
}

/**
 * POST (log in), GET (who am I, and the CSRF token again) and DELETE (log out) of
 * /api/v1/session, the console's contract (docs/console.md).
 */
export function registerSessionRoutes(app: FastifyInstance, sessions: ConsoleSessions): void {
  app.decorate('consoleSessions', sessions);
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.url === SESSION_PATH) reply.header('cache-control', 'no-store');
  });

  app.post(SESSION_PATH, async (request, reply) => {
    let input: z.output<typeof logInBody>;
    try {
      input = parseLogIn(request.body);
    } catch (error) {
      return refuse(reply, error as AppError);
    }
    const outcome = await sessions.logIn(input.user, input.password, clientOf(request));
    if (!outcome.ok && outcome.refusal === 'rate_limited') {
      reply.header('retry-after', String(outcome.retryAfterSeconds));
      return reply.status(429).send({
        error: `too many failed log-ins; try again in ${outcome.retryAfterSeconds} seconds`,
        kind: 'rate_limited',
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
    }
    if (!outcome.ok) {
      // One answer for every refusal: nobody learns whether the user exists, is disabled, or the password was wrong.
      return refuse(reply, new AppError('unauthenticated', 'the user name or password is wrong (or the user may not log in)'));
    }
    reply.header('set-cookie', sessionCookie(outcome.token, cameOverHttps(request)));
    return reply.status(200).send(outcome.view);
  });

  app.get(SESSION_PATH, async (request, reply) => {
    const token = sessionTokenOf(request);
    if (!token) return refuse(reply, new AppError('unauthenticated', 'you are not logged in; log in with POST /api/v1/session'));
    const found = await sessions.lookUp(token, { touch: true, address: request.ip });
    if (!found.ok) {
      reply.header('set-cookie', clearedSessionCookie(cameOverHttps(request)));
      return refuse(reply, sessionEnded(found.why));
    }
    return reply.status(200).send(await sessions.view(found.session, token));
  });

  app.delete(SESSION_PATH, async (request, reply) => {
    const token = sessionTokenOf(request);
    if (token) {
      try {
        const found = await csrfCheckedSession(request, token);
        await sessions.logOut(found, clientOf(request));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A session that already ended is as logged out as it gets; only a missing or wrong CSRF token is refused.
        if (error.kind !== 'unauthenticated') return refuse(reply, error);
      }
    }
    reply.header('set-cookie', clearedSessionCookie(cameOverHttps(request)));
    return reply.status(204).send();
  });
}
