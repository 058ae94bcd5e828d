import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { simulatedTenant } from './setup.js';

const T = 'FILTERS';
const R = 'SIM-FILTERS';

// instances.describe picks the tag rule from the named region, or from the tenant's clouds when
// they agree; a tenant also in an AWS region (no driver here) is filtered exactly without a region.
describe('instance tag filters under each rule', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    await simulatedTenant(server.admin, { customer: 'filters', tenant: T, region: R });
    await server.admin.regions.create({ name: 'AWS-FILTERS', cloud: 'AWS', kind: 'public', nativeName: 'eu-west-1' });
    await server.admin.tenants.activateRegion({ tenant: T, region: 'AWS-FILTERS' });
    const run = (name: string, tags: Record<string, string>) =>
      server.admin.instances.run({ tenant: T, region: R, image: 'ubuntu-24.04', shape: 'SMALL', name, tags });
    await run('mixed', { CostCentre: 'CC-1' });
    await run('lower', { costcentre: 'cc-2' });
    await run('none', { other: 'x' });
  });
  after(() => server?.close());

  const names = async (filter: { region?: string; tagKey: string; tagValue?: string }) =>
    (await server.admin.instances.describe({ tenant: T, ...filter })).items.map((i) => i.name).sort();

  it('matches a key alone in any case on the simulated region', async () => {
    assert.deepEqual(await names({ region: R, tagKey: 'COSTCENTRE' }), ['lower', 'mixed']);
    assert.deepEqual(await names({ region: R, tagKey: 'costCentre', tagValue: 'cc-1' }), ['mixed']);
  });

  it('matches a key alone exactly when the tenant also has a cloud with exact tag names', async () => {
    assert.deepEqual(await names({ tagKey: 'CostCentre' }), ['mixed']);
    assert.deepEqual(await names({ tagKey: 'costcentre' }), ['lower']);
    assert.deepEqual(await names({ tagKey: 'COSTCENTRE' }), []);
    assert.deepEqual(await names({ tagKey: 'CostCentre', tagValue: 'CC-1' }), ['mixed']);
    assert.deepEqual(await names({ tagKey: 'CostCentre', tagValue: 'cc-1' }), []);
  });
});
