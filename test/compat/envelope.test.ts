import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { compatWorld, type CompatWorld } from './support/setup.js';
import { createSecretBox, loadMasterKey } from '../../src/server/secrets.js';
import { m3Client, m3Encrypt, m3Signature } from './support/m3-client.js';

for (const flavour of flavours) {
  describe(`the Maestro protocol envelope (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    const clock = new ManualClock(new Date());
    before(async () => {
      database = await flavour.open();
      world = await compatWorld({ db: database.db, clock });
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('answers M3_STATUS with the fields the command-line client checks, encrypted, ending in }]}', async () => {
      const response = await world.m3Alice.batch([{ type: 'M3_STATUS' }]);
      assert.equal(response.httpStatus, 200);
      assert.ok(response.text.endsWith('}]}'), response.text);
      assert.deepEqual(Object.keys(JSON.parse(response.text) as object), ['results']);
      const [result] = response.results;
      assert.equal(result!.status, 'SUCCESS');
      assert.equal(result!.statusCode, 200);
      assert.equal(result!.error, null);
      assert.equal(result!.readableError, null);
      assert.equal(typeof result!.data, 'string');
      const data = JSON.parse(result!.data) as Record<string, unknown>;
      assert.equal(data.serverAvailable, true);
      for (const field of ['cliLatestVersion', 'cliWindowsDistributionUrl', 'cliLinuxDistributionUrl', 'cliMacOsDistributionUrl']) {
        assert.ok(typeof data[field] === 'string' && (data[field] as string).length > 0, field);
      }
    });

    it('accepts the /V3 path and parameters given directly in params', async () => {
      const upper = m3Client({ url: world.server.url, ...world.aliceKey, now: () => clock.now().getTime(), path: '/maestro/api/V3' });
      const response = await upper.batch([{ type: 'DESCRIBE_REGIONS', direct: { tenantName: 'acme-dev', cloud: 'enterprise' } }]);
      assert.equal(response.results[0]!.status, 'SUCCESS', JSON.stringify(response.results[0]));
      // ENTERPRISE is the clients' own private cloud; the simulated region shows as the cloud it imitates.
      assert.deepEqual(JSON.parse(response.results[0]!.data), [{ region: 'SIM-A', nativeName: 'sim-a-native', cloud: 'OPEN_STACK', active: true }]);
    });

    it('runs each call of a batch on its own, in order, answering each by its id', async () => {
      const response = await world.m3Alice.batch([
        { id: 'first', type: 'DESCRIBE_TENANTS', params: {} },
        { id: 'second', type: 'DESCRIBE_REGIONS', params: { tenantName: 'ACME-DEV' } },
        { id: 'third', type: 'GET_INSTANCE_HASHED_PASSWORD', params: {} },
        { id: 'fourth', type: 'MAKE_COFFEE', params: {} },
        { id: 'fifth', type: 'DESCRIBE_REGIONS', params: { tenantName: 'acme-dev', cloud: 'aws', surprise: 1 } },
        { id: 'sixth', type: 'M3_STATUS' },
      ]);
      assert.equal(response.httpStatus, 200);
      assert.deepEqual(
        response.results.map((r) => [r.id, r.status, r.statusCode]),
        [
          ['first', 'SUCCESS', 200],
          ['second', 'FAILED', 400],
          ['third', 'FAILED', 501],
          ['fourth', 'FAILED', 501],
          ['fifth', 'FAILED', 400],
          ['sixth', 'SUCCESS', 200],
        ],
      );
      const [, missing, unsupported, unknown, extra] = response.results;
      // Named as the m3 user typed it: the command and its option.
      assert.match(String(missing!.readableError), /^m3 describe-regions: cloud: must name a cloud \(--cloud\)$/);
      assert.match(String(unsupported!.readableError), /^m3 decrypt-password \(GET_INSTANCE_HASHED_PASSWORD\) is not supported by this Maestro server/);
      // One answer for every action not carried out: not supported, never "no such action".
      assert.match(String(unknown!.readableError), /^the action MAKE_COFFEE is not supported by this Maestro server/);
      assert.match(String(extra!.readableError), /surprise/);
      for (const failed of [missing, unsupported, unknown, extra]) assert.equal(failed!.data, 'null');
      const tenants = JSON.parse(response.results[0]!.data) as Array<{ tenantName: string; region: string }>;
      assert.deepEqual(tenants.map((t) => [t.tenantName, t.region]), [['ACME-DEV', 'SIM-A']]);
    });

    it('refuses a tampered signature, an expired date, a missing header and an unknown key with 401', async () => {
      const request = world.m3Alice.build([{ type: 'M3_STATUS' }]);
      const signature = request.headers['maestro-authentication']!;
      // Another first byte, whatever the signed date made it (a fixed '100' left 1 in 256 signatures unchanged).
      const otherFirstByte = signature.startsWith('100') ? '1ff' : '100';
      const tampered = { ...request, headers: { ...request.headers, 'maestro-authentication': otherFirstByte + signature.slice(3) } };
      const refused = await world.m3Alice.post(tampered);
      assert.equal(refused.httpStatus, 401);
      assert.match(refused.message!, /signature does not match/);

      const old = m3Client({ url: world.server.url, ...world.aliceKey, now: () => clock.now().getTime() - 6 * 60_000 });
      const expired = await old.post(old.build([{ type: 'M3_STATUS' }]));
      assert.equal(expired.httpStatus, 401);
      assert.match(expired.message!, /away from the server clock/);

      const { 'maestro-user-identifier': _dropped, ...withoutUser } = request.headers;
      const missing = await world.m3Alice.post({ ...request, headers: withoutUser });
      assert.equal(missing.httpStatus, 401);
      assert.match(missing.message!, /maestro-user-identifier missing/);

      const stranger = m3Client({ url: world.server.url, accessKey: 'MK0000000000000000000A', secretKey: 'x'.repeat(32), now: () => clock.now().getTime() });
      const unknown = await stranger.batch([{ type: 'M3_STATUS' }]);
      assert.equal(unknown.httpStatus, 401);
    });

    it('refuses a replay of a captured request, but not two requests signed in the same second', async () => {
      const request = world.m3Alice.build([{ type: 'M3_STATUS' }]);
      assert.equal((await world.m3Alice.post(request)).httpStatus, 200);
      const replayed = await world.m3Alice.post(request);
      assert.equal(replayed.httpStatus, 401);
      assert.match(replayed.message!, /replay/);
      // The same date and signature with a freshly encrypted body: what a client sends twice within one date tick.
      const again = world.m3Alice.build([{ type: 'M3_STATUS' }]);
      assert.equal(again.headers['maestro-authentication'], request.headers['maestro-authentication']);
      assert.equal((await world.m3Alice.post(again)).httpStatus, 200);
    });

    it('says what is wrong with a body that is not base64, cut short, or not the call array', async () => {
      const request = world.m3Alice.build([{ type: 'M3_STATUS' }]);
      const fresh = () => world.m3Alice.build([{ type: 'M3_STATUS' }]).headers;
      const notBase64 = await world.m3Alice.post({ headers: fresh(), body: 'this is {not} base64!' });
      assert.equal(notBase64.httpStatus, 400);
      assert.match(notBase64.message!, /not base64/);
      const truncated = await world.m3Alice.post({ headers: fresh(), body: request.body.slice(0, request.body.length - 8) });
      assert.equal(truncated.httpStatus, 400);
      assert.match(truncated.message!, /could not be decrypted/);
      const tooShort = await world.m3Alice.post({ headers: fresh(), body: Buffer.alloc(20).toString('base64') });
      assert.equal(tooShort.httpStatus, 400);
      assert.match(tooShort.message!, /too short/);
      const notArray = await world.m3Alice.post({ headers: fresh(), body: m3Encrypt(world.aliceKey.secretKey, '{"type":"M3_STATUS"}') });
      assert.equal(notArray.httpStatus, 400);
      assert.match(notArray.message!, /array of calls/);
      const tooMany = await world.m3Alice.batch(Array.from({ length: 21 }, () => ({ type: 'M3_STATUS' })));
      assert.equal(tooMany.httpStatus, 400);
      assert.match(tooMany.message!, /at most 20 calls/);
    });

    it('answers 413 with a JSON message for a body over the limit', async () => {
      const headers = world.m3Alice.build([{ type: 'M3_STATUS' }]).headers;
      const huge = await world.m3Alice.post({ headers, body: 'A'.repeat(2 * 1024 * 1024) });
      assert.equal(huge.httpStatus, 413);
      assert.match(huge.message!, /larger than the limit/);
    });

    it('refuses a secret key that cannot be an AES key, saying so', async () => {
      // Keys made by Maestro are 32 characters; one brought from elsewhere may not be.
      const key = await world.admin.keys.create({ user: 'alice' });
      const secret = 'twenty-characters-ok';
      const box = createSecretBox(loadMasterKey({ dataDir: world.server.dataDir }).key);
      await database.db.query('UPDATE access_keys SET secret_encrypted = $1 WHERE access_key = $2', [box.seal(secret), key.accessKey]);
      const odd = m3Client({ url: world.server.url, accessKey: key.accessKey, secretKey: 'k'.repeat(16), now: () => clock.now().getTime() });
      const request = odd.build([{ type: 'M3_STATUS' }]);
      const date = request.headers['maestro-date']!;
      request.headers['maestro-authentication'] = m3Signature(secret, key.accessKey, date, 'UNKNOWN');
      const refused = await odd.post(request);
      assert.equal(refused.httpStatus, 401);
      assert.match(refused.message!, /secret key is 20 bytes long.*16, 24 or 32 bytes: create a new key pair/);
    });
  });
}
