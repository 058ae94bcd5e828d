/**
 * Mutation fuzzing of the Maestro-compatible endpoint: valid calls of the supported actions
 * (set FUZZ_SEED / FUZZ_CASES to vary), their parameters broken with the JSON-RPC fuzzer's
 * values, sent in batches as the published clients send them, plus broken envelopes. Whatever
 * arrives, a batch that could be read is answered 200 with one result per call, none of them an
 * internal error, and anything else with a JSON message, never a 5xx.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openPglite } from '../../src/store/pglite.js';
import { mutateParams, prng, randomJson, randomString, type Rng } from '../support/fuzz-values.js';
import { compatWorld, type CompatWorld } from './support/setup.js';
import { m3Decrypt, m3Encrypt, type M3Result } from './support/m3-client.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const CASES = Number(process.env.FUZZ_CASES ?? 600);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);
const MIN_CASES = Math.min(CASES, 200);
/** The server's default MAESTRO_BODY_LIMIT: some mutations make bigger bodies, rightly refused with 413. */
const BODY_LIMIT = 1024 * 1024;

const where = { tenantName: 'ACME-DEV', region: 'SIM-A' };
/** Valid starting points across the action families. */
const bases: Array<{ type: string; params: Record<string, unknown> }> = [
  { type: 'M3_STATUS', params: {} },
  { type: 'DESCRIBE_TENANTS', params: { tenantNames: 'ACME-DEV' } },
  { type: 'DESCRIBE_REGIONS', params: { tenantName: 'ACME-DEV', cloud: 'ENTERPRISE' } },
  { type: 'LIST_REGION_SHAPES', params: { ...where, cloud: 'ENTERPRISE' } },
  { type: 'DESCRIBE_INSTANCE', params: { ...where, running: true, resourceTag: { key: 'env', value: 'fuzz' } } },
  {
    type: 'EXECUTE_APPROVAL_ACTION',
    params: { params: { cloud: 'ENTERPRISE', tenantDisplayName: 'ACME-DEV', Region: 'SIM-A', 'Instance Name': 'fz', 'Image Alias': 'ubuntu-24.04', 'Shape Alias': 'MICRO' } },
  },
  { type: 'STOP_INSTANCE', params: { ...where, instanceIds: ['not-an-instance'] } },
  { type: 'DESCRIBE_IMAGE', params: { ...where, cloud: 'ENTERPRISE' } },
  { type: 'DESCRIBE_KEYS', params: { tenantName: 'ACME-DEV' } },
  { type: 'DESCRIBE_VOLUME', params: where },
  { type: 'DESCRIBE_TAGS', params: { ...where, instanceIds: ['x'] } },
  { type: 'LIST_RESOURCES', params: where },
  { type: 'DESCRIBE_SCHEDULES', params: where },
  { type: 'CREATE_SCHEDULE', params: { schedule: { ...where, cloud: 'ENTERPRISE', displayName: 'fz', cron: '0 0 8 ? * MON-FRI', action: 'STOP', scheduleType: 'Specified instances', instances: [] } } },
  { type: 'GET_INSTANCE_QUOTA', params: where },
  { type: 'UPDATE_INSTANCE_QUOTA', params: { ...where, creationIntervalHours: 24, creationIntervalCount: 5 } },
  { type: 'GET_EVENTS', params: { tenantName: 'ACME-DEV', count: 5 } },
  { type: 'GET_TOTAL_BILLING_REPORT', params: { tenantGroup: 'ACME-DEV', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1) } },
  { type: 'GET_PRICE_MODEL', params: { region: 'SIM-A', policyType: 'DEFAULT' } },
  { type: 'GET_USER_PERMISSIONS', params: { tenantName: 'ACME-DEV', cloud: 'ENTERPRISE', env: 'M3_SDK' } },
];

/** One call as raw JSON text: `params.body` carries the (mutated) parameters as a JSON string, or they sit in params. */
function callText(rng: Rng): { id: string; text: string } {
  const base = rng.pick(bases);
  const id = randomUUID();
  const params = rng.bool(0.75) ? mutateParams(rng, base.params) : JSON.stringify(base.params);
  const type = rng.bool(0.1) ? JSON.stringify(rng.pick([randomString(rng), base.type.toLowerCase(), 'GET_OPERATION_STATUS', '__proto__'])) : JSON.stringify(base.type);
  const paramsField = rng.pick([
    () => `{"body":${JSON.stringify(params)}}`,
    () => params,
    () => `{"body":${randomJson(rng)}}`,
    () => `{"body":null,"extra":${randomJson(rng)}}`,
  ])();
  return { id, text: `{"id":${JSON.stringify(id)},"type":${type},"params":${paramsField}}` };
}

interface FuzzCase {
  n: number;
  kind: 'calls' | 'envelope';
  /** The call ids of a batch that must come back, in order; null when the envelope is broken. */
  ids: string[] | null;
  plaintext: string;
}

function generate(rng: Rng, n: number): FuzzCase {
  if (rng.bool(0.15)) {
    const plaintext = rng.pick(['', '[]', '{}', 'null', '"x"', '[1]', randomJson(rng), `[${Array.from({ length: 21 }, () => '{"id":"a","type":"M3_STATUS"}').join(',')}]`]);
    return { n, kind: 'envelope', ids: null, plaintext };
  }
  const calls = Array.from({ length: 1 + rng.int(4) }, () => callText(rng));
  return { n, kind: 'calls', ids: calls.map((c) => c.id), plaintext: `[${calls.map((c) => c.text).join(',')}]` };
}

describe('fuzzing the Maestro-compatible endpoint', () => {
  let world: CompatWorld;
  before(async () => {
    world = await compatWorld({ db: await openPglite() });
    await world.alice.instances.run({ tenant: 'ACME-DEV', region: 'SIM-A', image: 'ubuntu-24.04', shape: 'MICRO', tags: { env: 'fuzz' } });
  });
  after(async () => {
    const db = world?.server.maestro.db;
    await world?.close();
    await db?.close();
  });

  it(`survives up to ${CASES} mutated batches (seed ${SEED})`, async (t) => {
    const rng = prng(SEED);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const deadline = performance.now() + BUDGET_MS;
    let n = 0;
    while (n < CASES && (n < MIN_CASES || performance.now() < deadline)) {
      const fuzzCase = generate(rng, n++);
      const request = world.m3Alice.build([{ type: 'M3_STATUS' }]);
      request.body = m3Encrypt(world.aliceKey.secretKey, fuzzCase.plaintext);
      const response = await fetch(new URL('/maestro/api/v3', world.server.url), { method: 'POST', headers: request.headers, body: request.body });
      const text = await response.text();
      const fail = (problem: string) => failures.push(`#${fuzzCase.n} ${fuzzCase.kind}: ${problem}\n    sent: ${fuzzCase.plaintext.slice(0, 300)}`);
      count(`${fuzzCase.kind} ${response.status}`);
      if (response.status !== 200) {
        if (response.status >= 500) fail(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        else if (response.status === 413 && request.body.length > BODY_LIMIT) continue;
        else if (fuzzCase.kind === 'calls') fail(`a batch of well-framed calls got HTTP ${response.status}: ${text.slice(0, 200)}`);
        else if (typeof (JSON.parse(text) as { message?: unknown }).message !== 'string') fail(`no message: ${text.slice(0, 200)}`);
        continue;
      }
      const plaintext = m3Decrypt(world.aliceKey.secretKey, text);
      if (!plaintext.endsWith('}]}')) fail('the answer does not end with }]}');
      const { results } = JSON.parse(plaintext) as { results: M3Result[] };
      if (fuzzCase.ids && results.map((r) => r.id).join() !== fuzzCase.ids.join()) fail(`ids ${results.map((r) => r.id).join()} for ${fuzzCase.ids.join()}`);
      for (const result of results) {
        count(`result ${result.status} ${result.statusCode}`);
        if (result.statusCode >= 500 && result.statusCode !== 501) fail(`a call failed internally: ${String(result.readableError)}`);
        if (result.status === 'FAILED' && (typeof result.readableError !== 'string' || result.readableError.length === 0)) fail('FAILED without a readable error');
        if (typeof result.data !== 'string') fail('data is not JSON text');
      }
    }
    const summary = [...outcomes].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
    t.diagnostic(`${n} cases, seed ${SEED}: ${summary}`);
    assert.equal(failures.length, 0, `${failures.length} bad answers (seed ${SEED}; ${summary}):\n${failures.slice(0, 20).join('\n')}`);
    // The mutations reach the actions, not just the envelope: some calls succeed, some fail on their parameters.
    for (const expected of ['result SUCCESS 200', 'result FAILED 400', 'envelope 400']) assert.ok((outcomes.get(expected) ?? 0) > 0, `no "${expected}": ${summary}`);
  });

  it('still answers a normal call afterwards', async () => {
    const status = await world.m3Alice.call<{ serverAvailable: boolean }>('M3_STATUS');
    assert.equal(status.serverAvailable, true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
