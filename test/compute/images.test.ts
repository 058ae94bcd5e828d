import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { failsWith, runningInstance, simulatedTenant } from './setup.js';

const T = 'IMAGERS';
const R = 'SIM-IMAGES';

for (const flavour of flavours) {
  describe(`images of a tenant (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db, config: { simLatencyMs: 0, systemJobs: false } });
      await simulatedTenant(server.admin, { customer: 'imagers', tenant: T, region: R });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('keeps the description a capture was given, and finds images by id as delete takes them', async () => {
      const admin = server.admin;
      const web = await runningInstance(admin, T, R, 'web');
      const golden = await admin.images.create({ tenant: T, instance: web.id, name: 'golden', description: 'web tier base, patched 2026-12' });
      const plain = await admin.images.create({ tenant: T, instance: web.id, name: 'plain' });
      assert.deepEqual([golden.description, plain.description], ['web tier base, patched 2026-12', '']);

      const byIds = await admin.images.describe({ tenant: T, region: R, ids: [golden.id] });
      assert.deepEqual(byIds.items.map((i) => [i.name, i.description]), [['golden', 'web tier base, patched 2026-12']]);
      const publicOnes = (await admin.images.describe({ tenant: T, region: R })).items.filter((i) => i.catalog === 'public');
      assert.ok(publicOnes.length > 0 && publicOnes.every((i) => i.description === ''));
      const both = await admin.images.describe({ tenant: T, region: R, ids: [golden.id, plain.id, publicOnes[0]!.id] });
      assert.deepEqual(both.items.map((i) => i.name).sort(), ['golden', 'plain', publicOnes[0]!.name].sort());
      assert.deepEqual((await admin.images.describe({ tenant: T, region: R, ids: [golden.id], name: 'plain' })).items, []);

      await admin.images.delete({ tenant: T, id: golden.id });
      assert.deepEqual((await admin.images.describe({ tenant: T, region: R, ids: [golden.id] })).items, []);
      await assert.rejects(admin.images.describe({ tenant: T, region: R, ids: ['golden'] }), failsWith('invalid_input', /image ids are UUIDs/));
    });
  });
}
