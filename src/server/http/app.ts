import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { commandsByName } from '../../protocol/commands/index.js';
import { AppError } from '../../protocol/errors.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { Database } from '../../store/database.js';
import { anonymousActor, type Actor } from '../actor.js';
import { authenticate, isSigned, reasonForLog, type Authenticator } from '../auth/authenticate.js';
import type { Dispatcher } from '../dispatch.js';
import type { Logger } from '../logger.js';
import { errorResponse, handleJsonRpc, rpcCodes, toRpcError, type JsonRpcResponse } from './jsonrpc.js';
import type { Metrics } from './metrics.js';
import type { CompatAction, CompatServerInfo } from '../compat/action.js';
import { registerCompatRoutes } from '../compat/route.js';
import { registerLiveRoute, type LiveRouteDeps } from '../live/route.js';
import type { ConsoleSessions } from '../session/console-sessions.js';
import { csrfCheckedSession, sessionTokenOf } from '../session/request-session.js';
import { registerSessionRoutes } from '../session/routes.js';
import { registerConsoleStatic } from './console-static.js';

export interface AppDependencies {
  dispatcher: Dispatcher;
  authenticator: Authenticator;
  db: Database;
  metrics: Metrics;
  logger: Logger;
  bodyLimitBytes: number;
  openRpc: () => unknown;
  compat: { actions: () => Promise<ReadonlyMap<string, CompatAction>>; server: CompatServerInfo };
  /** Console log-in and sessions (src/server/session/). */
  sessions: ConsoleSessions;
  /** The built web console served at /console/. */
  consoleDir: string;
  /** Which proxies' X-Forwarded-For/-Proto to believe (request.ip, https for the session cookie); false: none. */
  trustProxy?: boolean | number | string[];
  /** The live event stream (server-sent events), when this node serves it. */
  live?: Omit<LiveRouteDeps, 'logger'>;
}

export const RPC_PATH = '/api/v1/rpc';

const validRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

function statusOf(response: JsonRpcResponse | JsonRpcResponse[]): number {
  // One refused call: let HTTP say so too, for clients and proxies that only look at the status.
  if (!Array.isArray(response) && response.error) {
    const kind = (response.error.data as { kind?: string } | undefined)?.kind;
    if (kind === 'unauthenticated') return 401;
    if (response.error.code === rpcCodes.parseError || response.error.code === rpcCodes.invalidRequest) return 400;
  }
  return 200;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request lines would dominate the log at load; errors are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes,
    // A number of hops becomes the function Fastify would make of it (its types take no number).
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && validRequestId.test(given) ? given : uuidv7();
    },
  });

  // The signature covers the exact bytes, so the body stays raw until it is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpRequests
      .labels(request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const kind = status === 413 ? 'payload_too_large' : status >= 500 ? 'internal' : 'invalid_input';
    const message =
      status === 413
        ? `the request body is larger than the limit of ${deps.bodyLimitBytes} bytes; split the batch`
        : status === 415
          ? 'send the request with Content-Type: application/json'
          : status >= 500
            ? 'an internal error occurred; the server log has the details'
            : error.message;
    return reply.status(status).send(errorResponse(null, toRpcError(new AppError(kind, message))));
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ error: `no route ${request.method} ${request.url}; the API is POST ${RPC_PATH}` }),
  );

  app.post(RPC_PATH, async (request, reply) => {
    const arrivedAt = performance.now();
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let actor: Actor;
    if (isSigned(request.headers)) {
      try {
        actor = await authenticate(deps.authenticator, request.headers, body, request.ip, arrivedAt);
      } catch (error) {
        const appError = error instanceof AppError ? error : new AppError('internal', 'authentication failed');
        deps.metrics.authFailures.inc();
        if (error instanceof AppError) {
          request.log.info({ reason: reasonForLog(appError.message, request.headers) }, 'request refused');
        } else {
          // Not the caller's fault (the database, or a master key that cannot open the stored secrets).
          request.log.error({ err: error }, 'authentication failed');
        }
        return reply.status(appError.kind === 'unauthenticated' ? 401 : 500).send(errorResponse(null, toRpcError(appError)));
      }
    } else {
      // The console: its session cookie, with the CSRF token in a header; otherwise an anonymous call (public methods only).
      const sessionToken = sessionTokenOf(request);
      if (sessionToken) {
        try {
          actor = (await csrfCheckedSession(request, sessionToken, arrivedAt)).actor;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          deps.metrics.authFailures.inc();
          request.log.info({ reason: error.message }, 'request refused');
          return reply.status(error.kind === 'forbidden' ? 403 : 401).send(errorResponse(null, toRpcError(error)));
        }
      } else {
        actor = anonymousActor(request.ip);
      }
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return reply
        .status(400)
        .send(errorResponse(null, { code: rpcCodes.parseError, message: `the body is not valid JSON: ${(error as Error).message}` }));
    }

    const response = await handleJsonRpc(payload, async ({ method, params }) => {
      const label = method === 'rpc.discover' || commandsByName.has(method) ? method : 'unknown';
      try {
        const result = method === 'rpc.discover' ? deps.openRpc() : await deps.dispatcher.call(method, params, { actor, requestId: request.id });
        deps.metrics.rpcCalls.labels(label, 'ok').inc();
        return result;
      } catch (error) {
        deps.metrics.rpcCalls.labels(label, error instanceof AppError ? error.kind : 'internal').inc();
        throw error;
      }
    });
    if (response === undefined) return reply.status(204).send();
    return reply.status(statusOf(response)).send(response);
  });

  await registerCompatRoutes(app, {
    ...deps.compat,
    now: () => deps.authenticator.now(),
    dispatcher: deps.dispatcher,
    authenticator: deps.authenticator,
    metrics: deps.metrics,
    bodyLimitBytes: deps.bodyLimitBytes,
    onInternalError: (error, action) => deps.logger.error({ err: error, action }, 'internal error in a compatible call'),
  });

  registerSessionRoutes(app, deps.sessions);
  registerConsoleStatic(app, { dir: deps.consoleDir });

  if (deps.live) registerLiveRoute(app, { ...deps.live, logger: deps.logger });

  app.get('/health/live', async () => ({ status: 'ok' }));
  const ready = async (_request: unknown, reply: FastifyReply) => {
    const started = performance.now();
    try {
      await withTimeout(deps.db.query('SELECT 1'), 2000);
      return { status: 'ok', checks: { database: { status: 'ok', kind: deps.db.kind, ms: Math.round(performance.now() - started) } } };
    } catch (error) {
      return reply.status(503).send({
        status: 'unavailable',
        checks: { database: { status: 'failed', kind: deps.db.kind, error: (error as Error).message } },
      });
    }
  };
  app.get('/health', ready);
  app.get('/health/ready', ready);
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  return app;
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
