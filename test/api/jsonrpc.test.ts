import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allCommands } from '../../src/protocol/commands/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  closeConnections,
  request,
  signedCall,
  signedPost,
  signHeaders,
  type RawResponse,
  type RpcErrorBody,
  type RpcResultBody,
} from './rpc-http.js';

type AnyResponse = { jsonrpc: string; id: unknown; result?: unknown; error?: RpcErrorBody['error'] };

function rpcError(response: RawResponse, status: number, code: number): RpcErrorBody['error'] & { id: unknown } {
  assert.equal(response.status, status, response.text);
  const body = response.json as RpcErrorBody;
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), response.text);
  assert.equal(body.jsonrpc, '2.0');
  assert.equal((body as { result?: unknown }).result, undefined);
  assert.equal(body.error.code, code, response.text);
  assert.equal(typeof body.error.message, 'string');
  return { ...body.error, id: body.id };
}

function rpcResult<T = unknown>(response: RawResponse): T {
  assert.equal(response.status, 200, response.text);
  const body = response.json as RpcResultBody<T> & { error?: unknown };
  assert.equal(body.error, undefined, response.text);
  return body.result;
}

describe('JSON-RPC over HTTP', () => {
  let server: TestServer;
  let url: string;
  const call = (method: string, params?: unknown, id?: unknown) =>
    signedCall(url, server.credentials, method, params, id === undefined ? {} : { id });
  const post = (payload: unknown, options: Parameters<typeof signedPost>[3] = {}) => signedPost(url, server.credentials, payload, options);
  const eventSeq = async () => (await server.admin.system.status()).eventSeq;

  before(async () => {
    server = await startTestServer();
    url = server.url;
  });
  after(async () => {
    closeConnections();
    await server?.close();
  });

  describe('framing errors', () => {
    it('answers a body that is not JSON with -32700 and HTTP 400', async () => {
      for (const body of ['{', 'not json', '{"jsonrpc":"2.0",}', "{'jsonrpc':'2.0'}", '[1,2', '\u00ff\u00fe', 'nul', '{"a":1}{"b":2}']) {
        const error = rpcError(await post(body, { raw: true }), 400, -32700);
        assert.equal(error.id, null);
        assert.match(error.message, /not valid JSON/);
      }
    });

    it('answers an empty body as a parse error', async () => {
      rpcError(await post('', { raw: true }), 400, -32700);
      rpcError(await request(url, { body: '', headers: { 'content-type': 'application/json' } }), 400, -32700);
    });

    it('answers another content type with 415 and a JSON-RPC error', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json']) {
        const response = await request(url, { body, headers: { 'content-type': type } });
        const error = rpcError(response, 415, -32602);
        assert.match(error.message, /application\/json/);
        assert.match(String(response.headers['content-type']), /application\/json/);
      }
      // Signed, the content type is still checked first.
      const signed = signHeaders(server.credentials, body);
      rpcError(await request(url, { body, headers: { ...signed, 'content-type': 'text/plain' } }), 415, -32602);
      // No content type at all with a body.
      const response = await request(url, { body, headers: {} });
      assert.equal(response.status, 415, response.text);
    });

    it('accepts application/json with parameters and in any case', async () => {
      for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
        const response = await post({ jsonrpc: '2.0', id: 1, method: 'system.status', params: {} }, { headers: { 'content-type': type } });
        rpcResult(response);
      }
    });

    it('answers a request without jsonrpc "2.0" with -32600', async () => {
      for (const [request, id] of [
        [{ id: 1, method: 'system.status', params: {} }, 1],
        [{ jsonrpc: '1.0', id: 'a', method: 'system.status' }, 'a'],
        [{ jsonrpc: 2, id: 2, method: 'system.status' }, 2],
        [{ jsonrpc: 2.0, id: 3, method: 'system.status' }, 3],
      ] as const) {
        const error = rpcError(await post(request), 400, -32600);
        assert.equal(error.id, id);
        assert.match(error.message, /jsonrpc/);
      }
    });

    it('answers a request without a method name with -32600', async () => {
      for (const method of [undefined, '', 42, null, ['system.status'], { name: 'system.status' }]) {
        const error = rpcError(await post({ jsonrpc: '2.0', id: 9, method, params: {} }), 400, -32600);
        assert.equal(error.id, 9);
        assert.match(error.message, /method/);
      }
    });

    it('answers requests that are not objects, or have a bad id, with -32600 and a null id', async () => {
      for (const payload of [1, 'system.status', null, true]) {
        const error = rpcError(await post(payload), 400, -32600);
        assert.equal(error.id, null);
      }
      for (const id of [{}, [1], true]) {
        const error = rpcError(await post({ jsonrpc: '2.0', id, method: 'system.status' }), 400, -32600);
        assert.equal(error.id, null);
        assert.match(error.message, /id/);
      }
    });

    it('answers params that are neither object nor array with -32600', async () => {
      for (const params of ['x', 1, true, null]) {
        const error = rpcError(await post({ jsonrpc: '2.0', id: 4, method: 'system.status', params }), 400, -32600);
        assert.equal(error.id, 4);
        assert.match(error.message, /params/);
      }
    });

    it('echoes string, number and null ids as given', async () => {
      for (const id of ['abc', 0, -5, 1.5, 'x'.repeat(200), null]) {
        const response = await call('system.status', {}, id);
        rpcResult(response);
        assert.equal((response.json as RpcResultBody).id, id);
      }
    });
  });

  describe('method errors', () => {
    it('answers an unknown method with -32601 and HTTP 200', async () => {
      for (const method of ['nope', 'customers.nope', 'customers', 'Customers.Create', 'constructor', '__proto__', 'customers.__proto__', 'toString']) {
        const error = rpcError(await call(method, {}, 'u'), 200, -32601);
        assert.equal(error.id, 'u');
        assert.equal(error.data?.kind, 'unknown_method');
        assert.match(error.message, /rpc\.discover/);
      }
    });

    it('answers parameters of the wrong type, or unknown ones, with -32602 naming the field and changes nothing', async () => {
      const before = await eventSeq();
      const cases: Array<[string, unknown, RegExp]> = [
        ['customers.create', { name: 42 }, /\bname\b/],
        ['customers.create', { name: 'typed-co', displayName: ['x'] }, /displayName/],
        ['customers.create', { name: 'extra-co', colour: 'red' }, /colour/],
        ['customers.create', {}, /\bname\b/],
        ['customers.create', { name: 'bad name!' }, /\bname\b/],
        ['users.create', { name: 'typed-user', systemAdmin: 'yes' }, /systemAdmin/],
        ['users.create', { name: 'typed-user', email: 'not-an-email' }, /email/],
        ['users.setPassword', { name: 'admin', password: 'short' }, /password/],
        ['customers.describe', { limit: 0 }, /limit/],
        ['customers.describe', { limit: 1.5 }, /limit/],
        ['customers.describe', { limit: '10' }, /limit/],
        ['keys.create', { user: 'admin', expiresAt: 'tomorrow' }, /expiresAt/],
        ['system.status', { verbose: true }, /verbose/],
      ];
      for (const [method, params, field] of cases) {
        const error = rpcError(await call(method, params), 200, -32602);
        assert.equal(error.data?.kind, 'invalid_input');
        assert.match(error.message, field, `${method} ${JSON.stringify(params)}: ${error.message}`);
        const issues = error.data?.details?.issues as Array<{ path: string[]; message: string }> | undefined;
        assert.ok(Array.isArray(issues) && issues.length > 0, JSON.stringify(error));
      }
      assert.equal(await eventSeq(), before);
      const customers = await server.admin.customers.describe();
      assert.ok(!customers.items.some((c) => ['TYPED-CO', 'EXTRA-CO'].includes(c.name)));
    });

    it('answers text the database cannot store (NUL, lone surrogates) with -32602 naming the field', async () => {
      const before = await eventSeq();
      const cases: Array<[string, unknown, RegExp]> = [
        ['customers.create', { name: 'nul-co', displayName: 'a\u0000b' }, /displayName/],
        ['customers.create', { name: 'surrogate-co', displayName: 'x\ud800' }, /displayName/],
        ['customers.update', { name: 'nul-co', displayName: '\udc00 alone' }, /displayName/],
        ['keys.create', { description: 'trailing \ud83d' }, /description/],
        ['users.setPassword', { name: 'admin', password: 'twelve chars \u0000 and more' }, /password/],
        ['customers.describe', { cursor: '\u0000' }, /cursor/],
        ['customers.create', { name: 'nul-key-co', ['\u0000']: 1 }, /params/],
      ];
      for (const [method, params, field] of cases) {
        // JSON.stringify writes lone surrogates as \u escapes, as a client would.
        const error = rpcError(await call(method, params), 200, -32602);
        assert.equal(error.data?.kind, 'invalid_input');
        assert.match(error.message, field, `${method}: ${error.message}`);
        assert.match(error.message, /NUL|surrogate/);
        assert.ok(Array.isArray(error.data?.details?.issues));
      }
      assert.equal(await eventSeq(), before);
      // Paired surrogates (an emoji written as escapes) are ordinary text.
      const created = rpcResult<{ displayName: string }>(await call('customers.create', { name: 'emoji-co', displayName: 'party \ud83c\udf89' }));
      assert.equal(created.displayName, 'party 🎉');
    });

    it('answers positional parameters with -32602', async () => {
      const before = await eventSeq();
      const error = rpcError(await call('customers.create', ['positional-co']), 200, -32602);
      assert.match(error.message, /by name/);
      rpcError(await call('system.status', []), 200, -32602);
      assert.equal(await eventSeq(), before);
    });

    it('accepts omitted params as empty', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.status' });
      rpcResult(await request(url, { body, headers: signHeaders(server.credentials, body) }));
    });

    it('refuses a signed call of an admin method by a user who is no administrator', async () => {
      await server.admin.users.create({ name: 'plain-user' });
      const key = await server.admin.keys.create({ user: 'plain-user' });
      const response = await signedCall(url, key, 'customers.create', { name: 'not-allowed' }, { id: 'f' });
      const error = rpcError(response, 200, -32003);
      assert.equal(error.data?.kind, 'forbidden');
    });
  });

  describe('batches and notifications', () => {
    it('answers each request of a mixed batch by its id, in order', async () => {
      const response = await post([
        { jsonrpc: '2.0', id: 'ok-1', method: 'customers.create', params: { name: 'batch-co' } },
        { jsonrpc: '2.0', id: 'bad-params', method: 'customers.create', params: { name: 7 } },
        { jsonrpc: '2.0', id: 'unknown', method: 'customers.teleport', params: {} },
        { jsonrpc: '2.0', id: 'dup', method: 'customers.create', params: { name: 'BATCH-CO' } },
        { jsonrpc: '1.0', id: 'framing', method: 'system.status' },
        17,
        { jsonrpc: '2.0', id: 2, method: 'tenantGroups.create', params: { customer: 'batch-co', name: 'in-batch' } },
        { jsonrpc: '2.0', id: 3, method: 'customers.describe', params: { name: 'batch-co' } },
      ]);
      assert.equal(response.status, 200, response.text);
      const answers = response.json as AnyResponse[];
      assert.ok(Array.isArray(answers));
      assert.deepEqual(
        answers.map((a) => [a.id, a.error?.code ?? 'ok']),
        [
          ['ok-1', 'ok'],
          ['bad-params', -32602],
          ['unknown', -32601],
          ['dup', -32009],
          ['framing', -32600],
          [null, -32600],
          [2, 'ok'],
          [3, 'ok'],
        ],
      );
      for (const answer of answers) {
        assert.equal(answer.jsonrpc, '2.0');
        assert.ok(('result' in answer) !== ('error' in answer), JSON.stringify(answer));
      }
      const described = answers[7]!.result as { items: Array<{ name: string }> };
      assert.deepEqual(described.items.map((c) => c.name), ['BATCH-CO']);
    });

    it('answers an empty batch with one -32600 error', async () => {
      const error = rpcError(await post([]), 400, -32600);
      assert.equal(error.id, null);
      assert.match(error.message, /at least one/);
    });

    it('answers a batch of more than 100 with -32600 and runs none of it', async () => {
      const before = await eventSeq();
      const batch = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'customers.create', params: { name: `big-${i}` } }));
      const error = rpcError(await post(batch), 400, -32600);
      assert.match(error.message, /at most 100/);
      assert.equal(await eventSeq(), before);
      // Exactly 100 is fine.
      const reads = Array.from({ length: 100 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'system.status', params: {} }));
      const response = await post(reads);
      assert.equal(response.status, 200);
      assert.equal((response.json as unknown[]).length, 100);
    });

    it('answers a batch with one invalid element per element', async () => {
      const response = await post([1, 'x', null]);
      assert.equal(response.status, 200, response.text);
      const answers = response.json as AnyResponse[];
      assert.deepEqual(answers.map((a) => [a.id, a.error?.code]), [[null, -32600], [null, -32600], [null, -32600]]);
    });

    it('runs a notification without answering it', async () => {
      const response = await post({ jsonrpc: '2.0', method: 'customers.create', params: { name: 'notified-co' } });
      assert.equal(response.status, 204);
      assert.equal(response.text, '');
      const customers = await server.admin.customers.describe({ name: 'notified-co' });
      assert.equal(customers.items.length, 1);
      // A failing notification is not answered either.
      const failing = await post({ jsonrpc: '2.0', method: 'customers.create', params: { name: 'notified-co' } });
      assert.equal(failing.status, 204);
      const unknown = await post({ jsonrpc: '2.0', method: 'customers.teleport' });
      assert.equal(unknown.status, 204);
    });

    it('answers an all-notification batch with 204 and runs it', async () => {
      const response = await post([
        { jsonrpc: '2.0', method: 'customers.create', params: { name: 'silent-1' } },
        { jsonrpc: '2.0', method: 'customers.create', params: { name: 'silent-2' } },
        { jsonrpc: '2.0', method: 'customers.create', params: { name: 7 } },
      ]);
      assert.equal(response.status, 204);
      assert.equal(response.text, '');
      for (const name of ['silent-1', 'silent-2']) {
        assert.equal((await server.admin.customers.describe({ name })).items.length, 1, name);
      }
    });

    it('leaves notifications out of a mixed batch', async () => {
      const response = await post([
        { jsonrpc: '2.0', method: 'customers.create', params: { name: 'mixed-silent' } },
        { jsonrpc: '2.0', id: 'only', method: 'customers.describe', params: { name: 'mixed-silent' } },
        { jsonrpc: '2.0', method: 'customers.teleport' },
      ]);
      assert.equal(response.status, 200);
      const answers = response.json as AnyResponse[];
      assert.equal(answers.length, 1);
      assert.equal(answers[0]!.id, 'only');
      assert.equal((answers[0]!.result as { items: unknown[] }).items.length, 1);
    });

    it('answers a malformed notification, which cannot be recognised as one', async () => {
      const error = rpcError(await post({ jsonrpc: '2.0', method: 12 }), 400, -32600);
      assert.equal(error.id, null);
    });
  });

  describe('discovery', () => {
    it('serves an OpenRPC document, unsigned, listing every method with its parameters', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 'd', method: 'rpc.discover' });
      const response = await request(url, { body, headers: { 'content-type': 'application/json' } });
      const doc = rpcResult<{
        openrpc: string;
        info: { version: string };
        methods: Array<{ name: string; params: Array<{ name: string; required: boolean; schema: Record<string, unknown> }>; result: unknown }>;
      }>(response);
      assert.match(doc.openrpc, /^1\.\d+\.\d+$/);
      assert.equal(typeof doc.info.version, 'string');
      const byName = new Map(doc.methods.map((m) => [m.name, m]));
      assert.ok(byName.has('rpc.discover'));
      assert.equal(doc.methods.length, allCommands.length + 1);
      for (const command of allCommands) {
        const method = byName.get(command.name);
        assert.ok(method, `${command.name} is missing from rpc.discover`);
        assert.ok(Array.isArray(method.params), command.name);
        const shape = (command.input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
        assert.deepEqual(method.params.map((p) => p.name).sort(), Object.keys(shape).sort(), command.name);
        for (const param of method.params) {
          assert.equal(typeof param.schema, 'object', `${command.name}.${param.name}`);
          assert.ok(Object.keys(param.schema).length > 0, `${command.name}.${param.name} has an empty schema`);
          assert.equal(typeof param.required, 'boolean');
        }
        assert.ok(method.result, command.name);
      }
      const create = byName.get('customers.create')!;
      assert.deepEqual(create.params.find((p) => p.name === 'name')?.required, true);
      assert.deepEqual(create.params.find((p) => p.name === 'displayName')?.required, false);
    });

    it('serves the same document to a signed caller and in a batch', async () => {
      const signed = rpcResult<{ methods: unknown[] }>(await call('rpc.discover'));
      assert.equal(signed.methods.length, allCommands.length + 1);
      const body = JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'rpc.discover' },
        { jsonrpc: '2.0', id: 2, method: 'system.status', params: {} },
      ]);
      const response = await request(url, { body, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 200);
      const [discover, status] = response.json as AnyResponse[];
      assert.ok(discover?.result);
      assert.equal(status?.error?.data?.kind, 'unauthenticated');
    });
  });

  describe('health and metrics', () => {
    it('/health and /health/ready report ok with a database check', async () => {
      for (const path of ['/health', '/health/ready']) {
        const response = await request(url, { method: 'GET', path });
        assert.equal(response.status, 200, response.text);
        const body = response.json as { status: string; checks: { database: { status: string; kind: string; ms: number } } };
        assert.equal(body.status, 'ok');
        assert.equal(body.checks.database.status, 'ok');
        assert.equal(body.checks.database.kind, 'pglite');
        assert.equal(typeof body.checks.database.ms, 'number');
      }
    });

    it('/health/live reports ok', async () => {
      const response = await request(url, { method: 'GET', path: '/health/live' });
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, { status: 'ok' });
    });

    it('/metrics serves Prometheus text with the RPC counter', async () => {
      rpcResult(await call('system.status'));
      rpcError(await call('no.such.method'), 200, -32601);
      const response = await request(url, { method: 'GET', path: '/metrics' });
      assert.equal(response.status, 200);
      assert.match(String(response.headers['content-type']), /^text\/plain/);
      assert.match(response.text, /# TYPE maestro_rpc_calls_total counter/);
      assert.match(response.text, /maestro_rpc_calls_total\{method="system\.status",outcome="ok"\} \d+/);
      assert.match(response.text, /maestro_rpc_calls_total\{method="unknown",outcome="unknown_method"\} \d+/);
      assert.match(response.text, /maestro_auth_failures_total \d+/);
      assert.match(response.text, /maestro_http_request_duration_seconds_bucket/);
      // Method names callers invent never become label values.
      assert.doesNotMatch(response.text, /no\.such\.method/);
    });

    it('answers other paths with 404', async () => {
      const response = await request(url, { method: 'GET', path: '/api/v1/rpc' });
      assert.equal(response.status, 404);
      assert.match(String((response.json as { error: string }).error), /POST \/api\/v1\/rpc/);
    });
  });

  describe('request ids', () => {
    it('echoes a valid x-request-id', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.status', params: {} });
      const response = await request(url, { body, headers: { ...signHeaders(server.credentials, body), 'x-request-id': 'trace-123.abc:9_Z-' } });
      rpcResult(response);
      assert.equal(response.headers['x-request-id'], 'trace-123.abc:9_Z-');
    });

    it('replaces an invalid one and makes one up when none is given', async () => {
      for (const given of ['has space', 'x'.repeat(129), '<script>', 'a/b', 'ümlaut']) {
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' });
        const response = await request(url, { body, headers: { 'content-type': 'application/json', 'x-request-id': Buffer.from(given, 'utf8').toString('latin1') } });
        const id = response.headers['x-request-id'];
        assert.equal(typeof id, 'string');
        assert.notEqual(id, given);
        assert.match(String(id), /^[0-9a-f-]{36}$/);
      }
      const first = await request(url, { method: 'GET', path: '/health/live' });
      const second = await request(url, { method: 'GET', path: '/health/live' });
      assert.match(String(first.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
    });

    it('carries the request id on refusals and framing errors too', async () => {
      const refused = await request(url, {
        body: '{}',
        headers: { 'content-type': 'application/json', 'maestro-accesskey': 'MKNOPE', 'x-request-id': 'refused-1' },
      });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['x-request-id'], 'refused-1');
      const unparsable = await post('{', { raw: true, headers: { 'x-request-id': 'parse-1' } });
      assert.equal(unparsable.status, 400);
      assert.equal(unparsable.headers['x-request-id'], 'parse-1');
      const wrongType = await request(url, { body: '{}', headers: { 'content-type': 'text/plain', 'x-request-id': 'type-1' } });
      assert.equal(wrongType.status, 415);
      assert.equal(wrongType.headers['x-request-id'], 'type-1');
    });
  });
});

describe('JSON-RPC body limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: 2048 } });
  });
  after(async () => {
    closeConnections();
    await server?.close();
  });

  it('answers a body over the limit with 413 and a JSON-RPC error', async () => {
    const payload = { jsonrpc: '2.0', id: 1, method: 'customers.create', params: { name: 'large-co', displayName: 'x'.repeat(3000) } };
    const before = (await server.admin.system.status()).eventSeq;
    for (const signed of [true, false]) {
      const body = JSON.stringify(payload);
      const headers = signed ? signHeaders(server.credentials, body) : { 'content-type': 'application/json' };
      const response = await request(server.url, { body, headers });
      const error = rpcError(response, 413, -32013);
      assert.equal(error.data?.kind, 'payload_too_large');
      assert.match(error.message, /2048 bytes/);
      assert.match(String(response.headers['content-type']), /application\/json/);
    }
    // A batch over the limit too.
    const batch = Array.from({ length: 40 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'system.status', params: {} }));
    const response = await signedPost(server.url, server.credentials, batch);
    rpcError(response, 413, -32013);
    assert.equal((await server.admin.system.status()).eventSeq, before);
  });

  it('accepts a body just under the limit', async () => {
    const base = { jsonrpc: '2.0', id: 1, method: 'customers.create', params: { name: 'limit-co', displayName: '' } };
    const room = 2048 - JSON.stringify(base).length;
    const body = JSON.stringify({ ...base, params: { name: 'limit-co', displayName: 'y'.repeat(Math.min(room, 200)) } });
    assert.ok(body.length <= 2048);
    const response = await request(server.url, { body, headers: signHeaders(server.credentials, body) });
    rpcResult(response);
  });
});
