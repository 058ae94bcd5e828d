import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../protocol/errors.js';
import { signatureHeaderNames } from '../../protocol/signing.js';
import { authenticateRequest, reasonForLog, type Authenticator } from '../auth/authenticate.js';
import type { Metrics } from '../http/metrics.js';
import { assertUsableSecret, EnvelopeError, openBody, sealBody } from '../../protocol/envelope/cipher.js';
import { parseCalls, responseText } from '../../protocol/envelope/calls.js';
import { runCalls, type CallRunner } from './run-calls.js';

/** Where the published clients post (PROTOCOL.md); some are configured with `…/V3`. */
export const COMPAT_PATHS = ['/maestro/api/v3', '/maestro/api/V3'] as const;

export interface CompatRouteDependencies extends Omit<CallRunner, 'actions'> {
  actions: () => Promise<CallRunner['actions']>;
  authenticator: Authenticator;
  metrics: Metrics;
  bodyLimitBytes: number;
}

/** Errors outside the encrypted envelope are plain JSON with a `message`, as the clients print them. */
const plain = (reply: FastifyReply, status: number, message: string) => reply.status(status).send({ message });

/**
 * The Maestro-compatible endpoint: the same signature as JSON-RPC, an AES-GCM body both ways,
 * batches of actions translated to Maestro commands (src/server/compat/actions).
 */
export async function registerCompatRoutes(app: FastifyInstance, deps: CompatRouteDependencies): Promise<void> {
  await app.register(async (scope) => {
    // The body is base64 text whatever the content type says: keep it raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413) return plain(reply, 413, `the request body is larger than the limit of ${deps.bodyLimitBytes} bytes; send fewer calls per batch`);
      if (status >= 500) request.log.error({ err: error }, 'compatible endpoint request failed');
      return plain(reply, status, status >= 500 ? 'an internal error occurred; the server log has the details' : error.message);
    });

    for (const path of COMPAT_PATHS) {
      scope.post(path, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
        const arrivedAt = performance.now();
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let authenticated;
        try {
          authenticated = await authenticateRequest(deps.authenticator, request.headers, body, {
            address: request.ip,
            arrivedAt,
            body: 'sealed',
            requiredHeaders: [signatureHeaderNames.userIdentifier],
          });
          assertUsableSecret(authenticated.secretKey);
        } catch (error) {
          deps.metrics.authFailures.inc();
          if (error instanceof AppError) {
            request.log.info({ reason: reasonForLog(error.message, request.headers) }, 'compatible request refused');
            return plain(reply, 401, error.message);
          }
          if (error instanceof EnvelopeError) return plain(reply, 401, error.message);
          request.log.error({ err: error }, 'authentication failed');
          return plain(reply, 500, 'authentication failed; the server log has the details');
        }

        let calls;
        try {
          calls = parseCalls(openBody(authenticated.secretKey, body.toString('latin1')));
        } catch (error) {
          if (error instanceof EnvelopeError) return plain(reply, 400, error.message);
          throw error;
        }
        const actions = await deps.actions();
        const results = await runCalls({ ...deps, actions }, calls, authenticated.actor, request.id);
        results.forEach((result, index) => {
          const call = calls[index]!;
          deps.metrics.rpcCalls.labels(`compat:${call.ok && actions.has(call.type) ? call.type : 'unknown'}`, result.error ?? 'ok').inc();
        });
        reply.header('content-type', 'application/json');
        return reply.status(200).send(sealBody(authenticated.secretKey, responseText(results)));
      });
    }
  });
}
