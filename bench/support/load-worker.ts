// The load generator's process (forked by load.ts), so that the client never competes with the
// server for the server's event loop. Keep-alive node:http rather than fetch: it costs the
// client far less CPU per request, and on a 2-core machine the client's CPU is the server's loss.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { sign, signedHeaders, type SigningCredentials } from '../../src/protocol/signing.js';
import { openBody, sealBody } from '../../src/protocol/envelope/cipher.js';
import type { LoadRequest, LoadResult } from './load.js';

interface Reply {
  status: number;
  body: string;
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** One request of the run; resolves to whether it succeeded. */
type Shot = (id: number) => Promise<{ ok: boolean; detail?: string }>;

function shotFor(request: LoadRequest, agent: http.Agent): Shot {
  const target = request.target;
  const url = new URL(target.url);
  if (target.kind === 'get') {
    return async () => {
      const reply = await send(agent, url, 'GET', {});
      return reply.status === 200 ? { ok: true } : { ok: false, detail: `HTTP ${reply.status}: ${reply.body.slice(0, 200)}` };
    };
  }
  if (target.kind === 'm3') return m3Shot(target, agent);
  if (target.kind === 'rpc-batch') {
    return async (id) => {
      // Ids unique to this request: the same body signed in the same millisecond would be a replay.
      const body = JSON.stringify(target.calls.map((call, i) => ({ jsonrpc: '2.0', id: `${id}.${i}`, method: call.method, params: call.params })));
      const headers = { 'content-type': 'application/json', ...signedHeaders(target.credentials, body) };
      const reply = await send(agent, url, 'POST', headers, body);
      const answers = reply.status === 200 ? (JSON.parse(reply.body) as Array<{ result?: unknown }>) : [];
      const ok = answers.length === target.calls.length && answers.every((answer) => answer.result !== undefined);
      return ok ? { ok } : { ok, detail: `HTTP ${reply.status}: ${reply.body.slice(0, 200)}` };
    };
  }
  const credentials: SigningCredentials = target.credentials;
  return async (id) => {
    // Signed afresh for every request: the server refuses a replayed signature.
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: target.method, params: target.params });
    const headers = { 'content-type': 'application/json', ...signedHeaders(credentials, body) };
    const reply = await send(agent, url, 'POST', headers, body);
    const ok = reply.status === 200 && reply.body.startsWith(`{"jsonrpc":"2.0","id":${id},"result":`);
    return ok ? { ok } : { ok, detail: `HTTP ${reply.status}: ${reply.body.slice(0, 200)}` };
  };
}

/** As the published clients send it: signed headers, the call array encrypted with the secret key. */
function m3Shot(target: Extract<LoadRequest['target'], { kind: 'm3' }>, agent: http.Agent): Shot {
  const url = new URL(target.url);
  const { accessKey, secretKey } = target.credentials;
  return async () => {
    const date = String(Date.now());
    const calls = target.calls.map((call) => ({ id: randomUUID(), type: call.type, params: { body: JSON.stringify(call.params) } }));
    const headers = {
      'content-type': 'application/json',
      'maestro-accesskey': accessKey,
      'maestro-date': date,
      'maestro-user-identifier': 'UNKNOWN',
      'maestro-request-identifier': 'api-server',
      'maestro-authentication': sign(secretKey, { accessKey, date, userIdentifier: 'UNKNOWN' }),
    };
    const reply = await send(agent, url, 'POST', headers, sealBody(secretKey, JSON.stringify(calls)));
    if (reply.status !== 200) return { ok: false, detail: `HTTP ${reply.status}: ${reply.body.slice(0, 200)}` };
    const { results } = JSON.parse(openBody(secretKey, reply.body)) as { results: Array<{ status: string; readableError: unknown }> };
    const failed = results.find((result) => result.status !== 'SUCCESS');
    return results.length === calls.length && !failed ? { ok: true } : { ok: false, detail: `a call failed: ${String(failed?.readableError)}` };
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(request: LoadRequest): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: request.concurrency });
  const shot = shotFor(request, agent);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  let nextId = 1;
  const started = performance.now();
  const end = started + request.durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const outcome = await shot(nextId++);
        if (outcome.ok) {
          ok++;
          latencies.push(performance.now() - sent);
        } else {
          failed++;
          firstError ??= outcome.detail;
        }
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    ok,
    failed,
    seconds,
    perSecond: ok / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

process.on('message', (message: LoadRequest) => {
  run(message).then(
    (result) => process.send!(result),
    (error: Error) => process.send!({ error: error.message }),
  );
});
