import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroError } from '../../src/sdk/client.js';
import { headSeq } from '../../src/store/event-log.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { failsWith, simulatedTenant, waitForState } from './setup.js';

const T = 'ACME-DEV';
const R = 'SIM-EAST';

describe('instances on the simulated cloud', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    await simulatedTenant(server.admin, { customer: 'acme', tenant: T, region: R });
  });
  after(() => server?.close());

  const run = (extra: Record<string, unknown> = {}) =>
    server.admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', ...extra });
  const simCount = async () =>
    (await server.maestro.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sim_vms WHERE state <> 'terminated'`)).rows[0]!.n;

  it('runs instances pending, and they become running with an event', async () => {
    const { instances } = await run({ count: 3, name: 'web', tags: { env: 'prod' } });
    assert.deepEqual(instances.map((i) => [i.name, i.state, i.cpu, i.ramGb]), [
      ['web-1', 'pending', 1, 2],
      ['web-2', 'pending', 1, 2],
      ['web-3', 'pending', 1, 2],
    ]);
    await waitForState(server.admin, T, instances.map((i) => i.id), 'running');
    const { rows } = await server.maestro.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_log WHERE type = 'instance.stateChanged' AND target_id = ANY($1::text[])`,
      [instances.map((i) => i.id)],
    );
    assert.equal(rows[0]!.n, 3);
  });

  it('enforces the state machine: stop, start, reboot, terminate, protection', async () => {
    const [vm] = (await run({ name: 'lifecycle' })).instances;
    await waitForState(server.admin, T, [vm!.id], 'running');
    await assert.rejects(server.admin.instances.start({ tenant: T, id: vm!.id }), failsWith('invalid_state'));
    assert.equal((await server.admin.instances.stop({ tenant: T, id: vm!.id })).state, 'stopping');
    await waitForState(server.admin, T, [vm!.id], 'stopped');
    await assert.rejects(server.admin.instances.stop({ tenant: T, id: vm!.id }), /already stopped/);
    await assert.rejects(server.admin.instances.reboot({ tenant: T, id: vm!.id }), failsWith('invalid_state'));
    assert.equal((await server.admin.instances.start({ tenant: T, id: vm!.id })).state, 'starting');
    await waitForState(server.admin, T, [vm!.id], 'running');
    assert.equal((await server.admin.instances.reboot({ tenant: T, id: vm!.id })).state, 'rebooting');
    await waitForState(server.admin, T, [vm!.id], 'running');
    await server.admin.instances.setTerminationProtection({ tenant: T, id: vm!.id, enabled: true });
    await assert.rejects(server.admin.instances.terminate({ tenant: T, id: vm!.id }), /termination protection/);
    await server.admin.instances.setTerminationProtection({ tenant: T, id: vm!.id, enabled: false });
    assert.equal((await server.admin.instances.terminate({ tenant: T, id: vm!.id })).state, 'shutting-down');
    await waitForState(server.admin, T, [vm!.id], 'terminated');
    await assert.rejects(server.admin.instances.start({ tenant: T, id: vm!.id }), /terminated; run a new instance/);
  });

  it('refuses bad input clearly and creates nothing', async () => {
    const before = await headSeq(server.maestro.db);
    const vms = await simCount();
    await assert.rejects(run({ image: 'no-such-image' }), failsWith('not_found'));
    await assert.rejects(run({ shape: 'GIGANTIC' }), failsWith('not_found'));
    await assert.rejects(run({ region: 'NOWHERE' }), failsWith('not_found'));
    await assert.rejects(run({ keyName: 'missing-key' }), /SSH key 'missing-key' does not exist/);
    await assert.rejects(run({ count: 10_000 }), /count must be at most 500/);
    await assert.rejects(run({ cpu: 2, ramGb: 4 }), /either shape, or cpu and ramGb/);
    await assert.rejects(run({ shape: undefined, cpu: 2 }), /needs both cpu and ramGb/);
    await assert.rejects(run({ diskGb: 1 }), /at least 10 GB/);
    await assert.rejects(run({ stopAfter: '2001-01-01T00:00:00Z' }), /stopAfter is in the past/);
    // The simulator has networks, but no security groups: said so, not silently ignored.
    await assert.rejects(run({ network: 'no-such-network' }), failsWith('not_found'));
    await assert.rejects(run({ network: 'public' }), /network public is external: instances join private networks/);
    await assert.rejects(run({ securityGroups: ['web'] }), /do not offer a choice of security groups; leave securityGroups out/);
    await assert.rejects(run({ securityGroups: [] }), failsWith('invalid_input'));
    await assert.rejects(server.admin.securityGroups.describe({ tenant: T, region: R }), failsWith('invalid_input'));
    await server.admin.simulator.configure({ region: R, cpu: 64 });
    await assert.rejects(run({ shape: '8XL', count: 5 }), (error: MaestroError) => {
      assert.equal(error.kind, 'limit_exceeded');
      assert.match(error.message, /80 vCPU needed/);
      return true;
    });
    await server.admin.simulator.configure({ region: R, cpu: 2048 });
    assert.equal(await simCount(), vms);
    // Only the audit records of refused calls were added; no resource event.
    const { rows } = await server.maestro.db.query<{ type: string }>('SELECT DISTINCT type FROM event_log WHERE seq > $1', [before]);
    assert.deepEqual(rows.map((r) => r.type), ['command.rejected']);
  });

  it('survives cloud faults without half-created instances', async () => {
    const vms = await simCount();
    const listed = (await server.admin.instances.describe({ tenant: T, limit: 1000 })).items.length;
    await server.admin.simulator.injectFault({ region: R, operation: 'run', kind: 'error', message: 'hypervisor busy' });
    await assert.rejects(run(), (error: MaestroError) => error.kind === 'unavailable' && /hypervisor busy/.test(error.message));
    await server.admin.simulator.injectFault({ region: R, operation: 'run', kind: 'partial', createdBefore: 2 });
    await assert.rejects(run({ count: 5 }), /after creating 2 of 5 instances; 2 created instance\(s\) were terminated again/);
    assert.equal(await simCount(), vms);
    assert.equal((await server.admin.instances.describe({ tenant: T, limit: 1000 })).items.length, listed);
    // The next call works again: faults are consumed.
    const { instances } = await run({ name: 'after-faults' });
    await waitForState(server.admin, T, [instances[0]!.id], 'running');
  });

  it('reports a VM that dies', async () => {
    const [vm] = (await run({ name: 'doomed' })).instances;
    await waitForState(server.admin, T, [vm!.id], 'running');
    await server.admin.simulator.kill({ region: R, nativeId: vm!.nativeId });
    const [dead] = await waitForState(server.admin, T, [vm!.id], 'error');
    assert.equal(dead!.stateReason, 'reported by the cloud');
  });

  it('filters by state, name, tag (case-insensitive on this cloud) and pages', async () => {
    const page1 = await server.admin.instances.describe({ tenant: T, tagKey: 'ENV', tagValue: 'Prod', limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextCursor);
    const page2 = await server.admin.instances.describe({ tenant: T, tagKey: 'env', tagValue: 'prod', limit: 2, cursor: page1.nextCursor! });
    assert.deepEqual(page2.items.map((i) => i.name), ['web-3']);
    const terminated = await server.admin.instances.describe({ tenant: T, state: 'terminated' });
    assert.ok(terminated.items.every((i) => i.state === 'terminated'));
    await assert.rejects(server.admin.instances.describe({ tenant: T, cursor: 'garbage' }), failsWith('invalid_input'));
  });

  it('discovers instances created outside Maestro and marks vanished ones terminated', async () => {
    const outside = await server.admin.simulator.createOutside({ region: R, count: 3, namePrefix: 'rogue', tags: { team: 'ops' } });
    const [victim] = (await run({ name: 'victim' })).instances;
    await waitForState(server.admin, T, [victim!.id], 'running');
    await server.admin.simulator.destroyOutside({ region: R, nativeIds: [victim!.nativeId] });
    const report = await server.admin.regions.discover({ name: R });
    assert.equal(report.discovered, 3);
    assert.equal(report.vanished, 1);
    const again = await server.admin.regions.discover({ name: R });
    assert.deepEqual([again.discovered, again.vanished], [0, 0]);
    const adopted = await server.admin.instances.describe({ tenant: T, managed: false });
    assert.deepEqual(adopted.items.map((i) => i.nativeId).sort(), [...outside.nativeIds].sort());
    assert.equal((await server.admin.instances.describe({ tenant: T, ids: [victim!.id] })).items[0]!.state, 'terminated');
    const { rows } = await server.maestro.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_log WHERE action = 'discover' AND outcome = 'success'`,
    );
    assert.equal(rows[0]!.n, 4);
  });

  it('keeps other tenants out', async () => {
    const { admin } = server;
    await admin.tenants.create({ customer: 'acme', name: 'acme-other' });
    await admin.users.create({ name: 'mallory', customer: 'acme' });
    await admin.users.addRole({ name: 'mallory', tenant: 'acme-other', role: 'admin' });
    const key = await admin.keys.create({ user: 'mallory' });
    const mallory = createClient({ url: server.url, accessKey: key.accessKey, secretKey: key.secretKey });
    await assert.rejects(mallory.instances.describe({ tenant: T }), failsWith('forbidden'));
    const [vm] = (await admin.instances.describe({ tenant: T, limit: 1 })).items;
    await assert.rejects(mallory.instances.stop({ tenant: 'acme-other', id: vm!.id }), failsWith('not_found'));
  });

  it('rebuilds compute projections from the log to the same state', async () => {
    const tables = ['instances', 'images', 'region_shapes', 'volumes', 'ssh_keys'];
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const table of tables) {
        out[table] = (await server.maestro.db.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1::text, to_jsonb(t)::text`)).rows;
      }
      return out;
    };
    const live = await snapshot();
    await server.admin.system.rebuild();
    assert.deepEqual(await snapshot(), live);
  });
});

describe('a cloud that does not answer', () => {
  // The call timeout is measured on the server's clock: the test moves it instead of waiting.
  const clock = new ManualClock(new Date());
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, config: { simLatencyMs: 0, cloudCallTimeoutMs: 30_000 } });
    await simulatedTenant(server.admin, { customer: 'acme', tenant: T, region: R });
  });
  after(() => server?.close());

  it('is given up after the cloud call timeout, leaving no instance behind', async () => {
    await server.admin.simulator.injectFault({ region: R, operation: 'run', kind: 'timeout' });
    const attempt = server.admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', name: 'hung' });
    await clock.untilSleeping();
    clock.advance(29_999);
    assert.equal(clock.sleeping, 1, 'still waiting a millisecond before the timeout');
    clock.advance(1);
    await assert.rejects(attempt, (error: MaestroError) => {
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, /SIM-EAST: the cloud did not answer within 30000 ms; the operation may still complete/);
      return true;
    });
    assert.deepEqual((await server.admin.instances.describe({ tenant: T })).items, []);
  });
});
