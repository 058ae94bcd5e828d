/**
 * The embedded default killed (kill -9) with work in flight: its agent, its store and the
 * simulator's state come back with the next start, and what the server had accepted finishes
 * (issue 16: an agent kill -9 mid-action, a server restart with actions pending).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { waitForState } from '../compute/setup.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/store-helpers.js';
import { restartableServe } from './serve-process.js';

const temp = tempDir('maestro-embedded-kill-');
const dataDir = path.join(temp.dir, 'data');
// A second per transition: the first start's instance is still pending when the server is killed.
const { start, kill, close } = restartableServe(dataDir, { MAESTRO_SIM_LATENCY_MS: '1000' });
after(async () => {
  await close();
  temp.remove();
});

describe('the embedded default killed with work in flight', () => {
  let pendingId: string;
  let resizedId: string;

  it('keeps an instance accepted just before the kill, and runs it after the restart', async () => {
    const admin = await start();
    assert.equal((await admin.regions.describe({})).items[0]!.agent, 'EMBEDDED');
    const { instances } = await admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL', name: 'in-flight' });
    pendingId = instances[0]!.id;
    assert.equal(instances[0]!.state, 'pending');
    await kill();

    const again = await start();
    await waitForState(again, 'default', [pendingId], 'running');
    const { items } = await again.instances.describe({ tenant: 'default', name: 'in-flight' });
    assert.equal(items.length, 1, 'one instance, not a second one from a repeated run');
    assert.equal((await again.agents.describe({ name: 'embedded' })).items[0]!.state, 'online');
    await kill();
  });

  it('ends a resize accepted just before the kill: done, or failed with its outcome unknown, never left waiting', async () => {
    const admin = await start();
    const { instances } = await admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL', name: 'to-resize' });
    resizedId = instances[0]!.id;
    await waitForState(admin, 'default', [resizedId], 'running');
    const resizing = await admin.instances.resize({ tenant: 'default', id: resizedId, shape: 'MEDIUM' });
    assert.equal(resizing.resizingTo?.shape, 'MEDIUM');
    await kill();

    const again = await start();
    const ended = await eventually(async () => {
      const [instance] = (await again.instances.describe({ tenant: 'default', ids: [resizedId] })).items;
      return instance?.resizingTo === null && instance;
    }, 'the resize to end after the restart');
    if (ended.shape === 'MEDIUM') assert.deepEqual([ended.cpu, ended.ramGb], [2, 4]);
    else assert.match(ended.stateReason ?? '', /the agent stopped before operation .* \(resizeInstance, .*\) finished; its outcome is unknown/);
    await kill();
  });
});
