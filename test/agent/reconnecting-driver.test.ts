import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MemoryCloud } from '../../src/agent/drivers/memory.js';
import { ReconnectingDriver } from '../../src/agent/drivers/reconnecting.js';
import { AgentDriverRegistry, type DriverFactory } from '../../src/agent/drivers/registry.js';
import { startAgentProcess } from '../../src/agent/main.js';
import { silentLog } from '../../src/agent/log.js';
import { CloudError } from '../../src/clouds/driver.js';
import { ManualClock } from '../../src/domain/clock.js';

const region = { name: 'DC9', nativeName: 'dc9' };
const call = () => ({ db: undefined as never, now: new Date(), signal: new AbortController().signal });
/** An agent serving one OPEN_STACK region, with a broker it will not reach (it connects in the background). */
const configFor = (dataDir: string) => ({
  amqpUrl: 'amqp://guest:guest@127.0.0.1:1',
  prefix: 'unreachable',
  name: 'DC9',
  keys: [{ keyId: 'MA0', secret: 'x'.repeat(32) }],
  dataDir,
  regions: [{ name: 'DC9', nativeName: 'dc9', cloud: 'OPEN_STACK' as const, config: {} }],
  heartbeatSeconds: 5,
  pollSeconds: 10,
  listingSeconds: 600,
  concurrency: { perKey: 4, total: 32 },
  logLevel: 'silent' as const,
  masterKey: Buffer.alloc(32, 3).toString('base64'),
});
const unreachable = () => new CloudError('api', 'connect ECONNREFUSED 127.0.0.1:5000 (Keystone)', { retryable: true });

describe('a region whose cloud is out of reach when the agent starts', () => {
  it('fails each call clearly, tries again once the retry interval passed, then works through the real driver', async () => {
    const clock = new ManualClock(new Date());
    const cloud = new MemoryCloud();
    let attempts = 0;
    let reachable = false;
    const driver = new ReconnectingDriver(
      'SIMULATED',
      cloud.capabilities,
      async () => {
        attempts += 1;
        if (!reachable) throw unreachable();
        return cloud;
      },
      clock,
      unreachable(),
      30_000,
    );
    const refused = (error: unknown) =>
      error instanceof CloudError && error.reason === 'api' && error.retryable && /cannot be reached: connect ECONNREFUSED .*Keystone.*every 30 s/.test(error.message);
    await assert.rejects(driver.listInstances(region, call()), refused);
    assert.equal(attempts, 0, 'no new attempt within the interval');
    clock.advance(30_000);
    await assert.rejects(driver.pollStates(region, call()), refused);
    assert.equal(attempts, 1);
    reachable = true;
    await assert.rejects(driver.listInstances(region, call()), refused, 'the interval counts from the last failure');
    clock.advance(30_000);
    assert.deepEqual(await driver.listInstances(region, call()), []);
    assert.equal(driver.connected, true);
    const [vm] = await driver.runInstances(region, { names: ['a'], cpu: 1, ramMb: 512, diskGb: 1, imageNativeId: 'img-ubuntu', publicKey: null, userData: null, tags: {} }, call());
    assert.equal(vm!.name, 'a');
  });

  it('does not stop the agent from starting when its driver can say what it offers before connecting', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-agent-unreachable-'));
    const failing: DriverFactory = {
      cloud: 'OPEN_STACK',
      create: async () => {
        throw unreachable();
      },
      unconnectedCapabilities: new MemoryCloud().capabilities,
    };
    const process = await startAgentProcess(
      configFor(dataDir),
      { drivers: new AgentDriverRegistry().register(failing), log: silentLog },
    );
    try {
      assert.equal(process.agent.name, 'DC9');
    } finally {
      await process.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Wrong credentials are not a passing outage: they still stop the start, in the cloud's words.
    const refusing: DriverFactory = { ...failing, create: async () => Promise.reject(new CloudError('unauthorized', 'The request you have made requires authentication.')) };
    const again = mkdtempSync(path.join(os.tmpdir(), 'maestro-agent-unreachable-'));
    try {
      await assert.rejects(
        startAgentProcess(
          configFor(again),
          { drivers: new AgentDriverRegistry().register(refusing), log: silentLog },
        ),
        /requires authentication/,
      );
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});
