/**
 * Mutation fuzzing of the JSON-RPC endpoint. A seeded generator (set FUZZ_SEED to reproduce or
 * vary a run, FUZZ_CASES to change the count) starts from valid signed requests and breaks them:
 * bytes, JSON values, envelope fields, batches and headers. Whatever arrives, the server must
 * answer with a well-formed JSON-RPC response (or an empty 204), never a 5xx or an internal
 * error, and must keep working afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deepJson, mutateParams, nastyNumbers, prng, randomJson, randomKey, randomString, type Rng } from '../support/fuzz-values.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeConnections, request, signedCall, signHeaders, type Credentials, type RawResponse, type SignStyle } from './rpc-http.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
/** On a loaded machine the run stops early rather than take minutes; it must still do this many. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);
const MIN_CASES = Math.min(CASES, 750);
const CONCURRENCY = 4;

/** Valid starting points: methods across managers with parameters that pass validation. */
const bases: Array<(rng: Rng, n: number) => { method: string; params: Record<string, unknown> }> = [
  () => ({ method: 'system.status', params: {} }),
  () => ({ method: 'users.whoami', params: {} }),
  (rng) => ({ method: 'customers.describe', params: { limit: 1 + rng.int(50) } }),
  (_rng, n) => ({ method: 'customers.create', params: { name: `fuzz-co-${n}`, displayName: `Fuzz ${n}` } }),
  () => ({ method: 'customers.update', params: { name: 'fuzz-base', displayName: 'Base' } }),
  (_rng, n) => ({ method: 'tenantGroups.create', params: { customer: 'fuzz-base', name: `group-${n}`, description: 'd' } }),
  () => ({ method: 'tenantGroups.describe', params: { customer: 'fuzz-base' } }),
  (_rng, n) => ({ method: 'tenants.create', params: { customer: 'fuzz-base', name: `fuzz-tenant-${n}`, contacts: ['a@b.test'] } }),
  () => ({ method: 'tenants.describe', params: { limit: 10 } }),
  () => ({ method: 'tenants.update', params: { name: 'fuzz-tenant', description: 'updated' } }),
  (_rng, n) => ({ method: 'regions.create', params: { name: `fuzz-region-${n}`, cloud: 'SIMULATED', kind: 'private', nativeName: 'east' } }),
  () => ({ method: 'regions.describe', params: { cloud: 'SIMULATED' } }),
  () => ({ method: 'users.describe', params: { limit: 5 } }),
  (_rng, n) => ({ method: 'users.create', params: { name: `fuzz-user-${n}`, email: `u${n}@fuzz.test`, customer: 'fuzz-base' } }),
  () => ({ method: 'users.update', params: { name: 'fuzz-victim', displayName: 'Victim' } }),
  () => ({ method: 'keys.describe', params: { user: 'fuzz-victim' } }),
  () => ({ method: 'keys.delete', params: { accessKey: 'MK0000000000FUZZ' } }),
  () => ({ method: 'rpc.discover', params: {} }),
];

/** One request object as raw JSON text, its envelope possibly broken. */
function requestText(rng: Rng, n: number, mutate: boolean): string {
  const base = rng.pick(bases)(rng, n);
  let id = rng.bool(0.1) ? undefined : JSON.stringify(rng.bool() ? n : `id-${n}`);
  let jsonrpc: string | undefined = '"2.0"';
  let method: string | undefined = JSON.stringify(base.method);
  let params: string | undefined = mutate && rng.bool(0.7) ? mutateParams(rng, base.params) : JSON.stringify(base.params);
  if (mutate && rng.bool(0.3)) {
    switch (rng.int(8)) {
      case 0:
        id = rng.bool() ? rng.pick(nastyNumbers) : randomJson(rng);
        break;
      case 1:
        jsonrpc = rng.bool() ? undefined : rng.pick(['"1.0"', '2', '2.0', '"2"', 'null', '["2.0"]', '"2.0 "']);
        break;
      case 2:
        method = rng.bool() ? undefined : rng.bool() ? JSON.stringify(randomString(rng)) : randomJson(rng);
        break;
      case 3:
        method = JSON.stringify(rng.pick(['rpc.discover', '__proto__', 'constructor', 'customers.__proto__', 'toString', 'rpc.', 'customers.create.extra', 'CUSTOMERS.CREATE', 'system.rebuild ']));
        break;
      case 4:
        params = undefined;
        break;
      case 5:
        // Extra members at the top level, and a duplicated id.
        return `{"jsonrpc":"2.0","id":${id ?? 1},"id":${randomJson(rng)},"method":${method},"params":${params},${JSON.stringify(randomKey(rng))}:${randomJson(rng)}}`;
      case 6:
        return `{"__proto__":{"jsonrpc":"2.0","id":1,"method":"system.status"},"constructor":{"prototype":{"x":1}}}`;
      default:
        params = randomJson(rng);
    }
  }
  const members = [
    jsonrpc === undefined ? null : `"jsonrpc":${jsonrpc}`,
    id === undefined ? null : `"id":${id}`,
    method === undefined ? null : `"method":${method}`,
    params === undefined ? null : `"params":${params}`,
  ].filter((m): m is string => m !== null);
  // Member order does not matter to the server.
  for (let i = members.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return `{${members.join(',')}}`;
}

function bodyText(rng: Rng, n: number): string {
  const roll = rng.int(10);
  if (roll < 6) return requestText(rng, n, true);
  if (roll < 8) {
    // A batch, sometimes with duplicate ids, notifications and junk members.
    const size = rng.pick([1, 2, 3, 5, 10, 101]);
    const members = Array.from({ length: size }, (_, i) => (rng.bool(0.1) ? randomJson(rng, 3) : requestText(rng, n * 1000 + i, rng.bool(0.8))));
    if (rng.bool(0.3)) members.push(members[0]!);
    return `[${members.join(',')}]`;
  }
  if (roll < 9) return randomJson(rng);
  return rng.pick(['', ' ', '[]', '{}', 'null', '[[]]', '[{}]', '"x"', '1e309', '\ufeff{"jsonrpc":"2.0","id":1,"method":"system.status"}', deepJson(rng)]);
}

/** Flips, inserts and deletes bytes. */
function mutateBytes(rng: Rng, body: Buffer): Buffer {
  const bytes = Array.from(body);
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(bytes.length + 1);
    const choice = rng.int(3);
    if (choice === 0 && bytes.length > 0) bytes[Math.min(at, bytes.length - 1)]! ^= 1 << rng.int(8);
    else if (choice === 1) bytes.splice(at, 0, rng.bool(0.5) ? rng.int(256) : rng.pick([0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x00, 0xff]));
    else bytes.splice(at, 1);
  }
  return Buffer.from(bytes);
}

const signatureHeaders = ['maestro-accesskey', 'maestro-date', 'maestro-authentication', 'maestro-user-identifier', 'maestro-content-sha256', 'content-type'];

/** Header values node:http is willing to send: visible ASCII and latin-1, with spaces and tabs. */
function headerJunk(rng: Rng): string {
  switch (rng.int(5)) {
    case 0:
      return '';
    case 1:
      return rng.pick(['0', '-1', '1e3', '99999999999999999', 'NaN', 'null', 'undefined', 'application/json', 'text/plain', 'ÿÿÿÿ', '\t ', 'MK', '1'.repeat(96)]);
    case 2:
      // Node refuses headers over 16 KiB in total (431, before Maestro sees them): stay below.
      return 'z'.repeat(rng.pick([100, 1000, 4000]));
    default: {
      let s = '';
      const length = 1 + rng.int(100);
      for (let i = 0; i < length; i++) s += String.fromCharCode(rng.bool(0.9) ? 0x20 + rng.int(0x5f) : 0xa0 + rng.int(0x60));
      return s.trim() === '' ? 'x' : s;
    }
  }
}

function corruptHeaders(rng: Rng, headers: Record<string, string>, credentials: Credentials): Record<string, string> {
  const out = { ...headers };
  const edits = 1 + rng.int(3);
  for (let i = 0; i < edits; i++) {
    const name = rng.pick(signatureHeaders);
    switch (rng.int(6)) {
      case 0:
        delete out[name];
        break;
      case 1:
        out[name] = headerJunk(rng);
        break;
      case 2:
        if (out[name]) out[name] = out[name]!.toUpperCase();
        break;
      case 3:
        if (out[name]) out[name] = `${out[name]}, ${out[name]}`;
        break;
      case 4:
        // A genuine-looking key with a wrong secret.
        out['maestro-accesskey'] = credentials.accessKey;
        out['maestro-authentication'] = '1'.repeat(96);
        break;
      default:
        if (out[name] && out[name]!.length > 1) {
          const at = rng.int(out[name]!.length);
          out[name] = out[name]!.slice(0, at) + String.fromCharCode(0x21 + rng.int(0x5e)) + out[name]!.slice(at + 1);
        }
    }
  }
  return out;
}

interface FuzzCase {
  n: number;
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
}

function generate(rng: Rng, n: number, credentials: Credentials): FuzzCase {
  const text = bodyText(rng, n);
  let body: Buffer = Buffer.from(text, 'utf8');
  const style: SignStyle = rng.pick(['body', 'body', 'user', 'seed']);
  const roll = rng.int(20);
  if (roll < 12) return { n, kind: `structured/${style}`, body, headers: signHeaders(credentials, body, { style }) };
  if (roll < 15) {
    // Bytes broken before signing: the parser sees them.
    body = mutateBytes(rng, body);
    return { n, kind: `bytes-then-sign/${style}`, body, headers: signHeaders(credentials, body, { style }) };
  }
  if (roll < 17) {
    // Bytes broken after signing: refused when the digest was signed, parsed when not.
    const headers = signHeaders(credentials, body, { style });
    return { n, kind: `sign-then-bytes/${style}`, body: mutateBytes(rng, body), headers };
  }
  if (roll < 19) {
    return { n, kind: `headers/${style}`, body, headers: corruptHeaders(rng, signHeaders(credentials, body, { style }), credentials) };
  }
  // Unsigned: only rpc.discover may answer.
  return { n, kind: 'unsigned', body, headers: { 'content-type': 'application/json' } };
}

const validIdValue = (id: unknown) => id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

/** Whether a value is one well-formed JSON-RPC 2.0 response object; the problem if not. */
function responseProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  if (r.jsonrpc !== '2.0') return 'jsonrpc is not "2.0"';
  if (!Object.hasOwn(r, 'id') || !validIdValue(r.id)) return 'missing or invalid id';
  const hasResult = Object.hasOwn(r, 'result');
  const hasError = Object.hasOwn(r, 'error');
  if (hasResult === hasError) return 'needs exactly one of result and error';
  const extra = Object.keys(r).filter((k) => !['jsonrpc', 'id', 'result', 'error'].includes(k));
  if (extra.length > 0) return `unexpected members ${extra.join(', ')}`;
  if (hasError) {
    const error = r.error as Record<string, unknown> | null;
    if (typeof error !== 'object' || error === null) return 'error is not an object';
    if (!Number.isInteger(error.code)) return 'error.code is not an integer';
    if (typeof error.message !== 'string' || error.message.length === 0) return 'error.message is not a non-empty string';
    if (error.code === -32603) return `internal error: ${error.message}`;
    const data = error.data as { kind?: unknown } | undefined;
    if (data !== undefined && typeof data?.kind !== 'string') return 'error.data.kind is missing';
  }
  return null;
}

/** For a bad answer inside a batch: the request it answers, when it can be found. */
function culprit(fuzzCase: FuzzCase, item: unknown): string {
  try {
    const sent: unknown = JSON.parse(fuzzCase.body.toString('utf8'));
    if (!Array.isArray(sent)) return '';
    const id = (item as { id?: unknown }).id;
    const match = sent.find((r) => typeof r === 'object' && r !== null && (r as { id?: unknown }).id === id);
    return match ? `\n    request: ${JSON.stringify(match).slice(0, 500)}` : '';
  } catch {
    return '';
  }
}

/** Answers must carry the ids that were sent: the same one for a single request, known ones in a batch. */
function idsProblem(fuzzCase: FuzzCase, response: RawResponse): string | null {
  if (![200, 400].includes(response.status)) return null;
  let sent: unknown;
  try {
    sent = JSON.parse(fuzzCase.body.toString('utf8'));
  } catch {
    return null;
  }
  const idOf = (r: unknown) => (typeof r === 'object' && r !== null && !Array.isArray(r) && Object.hasOwn(r, 'id') ? (r as { id: unknown }).id : undefined);
  if (!Array.isArray(sent)) {
    const id = idOf(sent);
    const answered = (response.json as { id?: unknown }).id;
    if (id !== undefined && validIdValue(id) && (sent as { jsonrpc?: unknown }).jsonrpc === '2.0' && answered !== id) {
      return `answered id ${JSON.stringify(answered)} to a request with id ${JSON.stringify(id)}`;
    }
    return null;
  }
  if (!Array.isArray(response.json)) return null;
  const known = new Set(sent.map(idOf).filter((id) => id !== undefined && validIdValue(id)));
  for (const answer of response.json as Array<{ id: unknown }>) {
    if (answer.id !== null && !known.has(answer.id)) return `answered id ${JSON.stringify(answer.id)}, which was not sent`;
  }
  return null;
}

function check(fuzzCase: FuzzCase, response: RawResponse): string | null {
  if (response.status >= 500) return `HTTP ${response.status}: ${response.text.slice(0, 300)}`;
  if (response.status === 204) return response.text === '' ? null : 'a 204 with a body';
  if (response.json === undefined) return `HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 200)}`;
  const items = Array.isArray(response.json) ? response.json : [response.json];
  if (Array.isArray(response.json) && items.length === 0) return 'an empty batch response';
  for (const item of items) {
    const problem = responseProblem(item);
    if (problem) return `${problem}: ${JSON.stringify(item).slice(0, 300)}${culprit(fuzzCase, item)}`;
  }
  const idProblem = idsProblem(fuzzCase, response);
  if (idProblem) return idProblem;
  if (fuzzCase.kind === 'unsigned') {
    // Only rpc.discover answers without a signature.
    for (const item of items as Array<{ result?: { openrpc?: unknown } | null }>) {
      if (Object.hasOwn(item, 'result') && item.result?.openrpc === undefined) return 'an unsigned call other than rpc.discover succeeded';
    }
  }
  if (response.status !== 200 && response.status !== 204 && Array.isArray(response.json)) return `HTTP ${response.status} for a batch answer`;
  return null;
}

describe('fuzzing the JSON-RPC endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const { admin } = server;
    await admin.customers.create({ name: 'fuzz-base' });
    await admin.tenants.create({ customer: 'fuzz-base', name: 'fuzz-tenant' });
    await admin.users.create({ name: 'fuzz-victim', customer: 'fuzz-base' });
    await admin.keys.create({ user: 'fuzz-victim' });
  });
  after(async () => {
    closeConnections();
    await server?.close();
  });

  it(`survives up to ${CASES} mutated requests (seed ${SEED})`, async (t) => {
    const rng = prng(SEED);
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    let nextCase = 0;
    const deadline = performance.now() + BUDGET_MS;
    const worker = async () => {
      while (nextCase < CASES && (nextCase < MIN_CASES || performance.now() < deadline)) {
        const fuzzCase = generate(rng, nextCase++, server.credentials);
        let response: RawResponse;
        try {
          response = await request(server.url, { body: fuzzCase.body, headers: fuzzCase.headers });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // node:http refuses to send some corrupted headers; nothing reached the server.
          if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') continue;
          failures.push(`#${fuzzCase.n} ${fuzzCase.kind}: request failed: ${(error as Error).message}`);
          continue;
        }
        const key = `${fuzzCase.kind.split('/')[0]} ${response.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const problem = check(fuzzCase, response);
        if (problem) {
          failures.push(`#${fuzzCase.n} ${fuzzCase.kind}: ${problem}\n    body: ${JSON.stringify(fuzzCase.body.toString('utf8').slice(0, 300))}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const summary = [...statuses].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
    t.diagnostic(`${nextCase} cases, seed ${SEED}: ${summary}`);
    assert.equal(failures.length, 0, `${failures.length} bad answers (seed ${SEED}; ${summary}):\n${failures.slice(0, Number(process.env.FUZZ_SHOW ?? 20)).join('\n')}`);
    // The mutations must reach every layer, not just bounce off the signature check.
    for (const expected of ['structured 200', 'structured 400', 'sign-then-bytes 401', 'headers 401', 'unsigned 200']) {
      assert.ok((statuses.get(expected) ?? 0) > 0, `no "${expected}" answers: ${summary}`);
    }
  });

  it('still answers a normal call, and is healthy', async () => {
    const response = await signedCall(server.url, server.credentials, 'system.status', {}, { id: 'after' });
    assert.equal(response.status, 200, response.text);
    assert.equal((response.json as { id: unknown }).id, 'after');
    const status = await server.admin.system.status();
    assert.equal(status.database, 'pglite');
    const whoami = await server.admin.users.whoami();
    assert.equal(whoami.name, 'admin');
    assert.equal(whoami.status, 'active');
    const health = await request(server.url, { method: 'GET', path: '/health' });
    assert.equal(health.status, 200);
    assert.equal((health.json as { status: string }).status, 'ok');
    // Nothing polluted the prototypes of this process's objects either.
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
