import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { waitForState } from '../compute/setup.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { compatWorld, type CompatWorld } from './support/setup.js';
import type { M3Client } from './support/m3-client.js';
import { failureOf } from './support/failures.js';

type Row = Record<string, unknown>;

const displayed = ['resourceId', 'initiator', 'group', 'eventDescription', 'dateDescription', 'eventId'];
const DAY = 86_400_000;
const dotted = (ms: number) => new Date(ms).toISOString().slice(0, 10).split('-').reverse().join('.');

for (const flavour of flavours) {
  describe(`Maestro protocol describe-events (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let admin: MaestroClient;
    let stranger: M3Client;
    let instanceId: string;
    // The world is made at the real time (its administrator client signs with it), then the clock
    // moves on: the instance runs on a first day and stops two days later.
    const clock = new ManualClock(new Date());
    const firstDay = Math.floor(Date.now() / DAY) * DAY + 10 * DAY;
    const events = (params: Row = {}) => world.m3Alice.call<Row[]>('GET_EVENTS', { tenantName: 'acme-dev', ...params });
    const log = async () => (await admin.events.describe({ tenant: 'acme-dev', limit: 1000 })).items;

    before(async () => {
      database = await flavour.open();
      world = await compatWorld({ db: database.db, clock, config: { systemJobs: false } });
      stranger = await world.m3User('stranger', null);
      clock.set(new Date(firstDay + 9 * 3_600_000));
      admin = createClient({ url: world.server.url, ...world.server.credentials, now: () => clock.now().getTime() });
      const { instances } = await world.alice.instances.run({ tenant: 'acme-dev', region: 'sim-a', image: 'ubuntu-24.04', shape: 'SMALL', name: 'web' });
      instanceId = instances[0]!.id;
      await waitForState(world.alice, 'acme-dev', [instanceId], 'running');
      clock.set(new Date(firstDay + 2 * DAY + 9 * 3_600_000));
      await world.alice.instances.stop({ tenant: 'acme-dev', id: instanceId });
      await waitForState(world.alice, 'acme-dev', [instanceId], 'stopped');
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    it('lists the latest events of a tenant, newest first, ten unless told, with the fields the client prints', async () => {
      const all = await log();
      assert.ok(all.length > 3, `only ${all.length} events`);
      const rows = await events();
      assert.equal(rows.length, Math.min(10, all.length));
      for (const row of rows) for (const field of displayed) assert.ok(Object.hasOwn(row, field), field);
      const newest = all[all.length - 1]!;
      assert.deepEqual(rows[0], {
        resourceId: newest.target.id,
        initiator: newest.initiator.name,
        group: newest.target.typeURI,
        eventDescription: `${newest.type}: ${newest.action} ${newest.target.name ?? newest.target.id} (${newest.outcome})`,
        // Printed by the client as it comes: the date as it prints the dates it converts itself.
        dateDescription: `${newest.time.slice(0, 19)}+00:00`,
        timestamp: Date.parse(newest.time),
        eventId: newest.id,
        type: newest.type,
        action: newest.action,
        outcome: newest.outcome,
        resourceName: newest.target.name ?? null,
        tenantName: 'ACME-DEV',
        region: newest.region,
      });
      const two = await events({ count: '2' });
      assert.deepEqual(two.map((row) => row.eventId), all.slice(-2).reverse().map((event) => event.id));
    });

    it('narrows to a resource, a region and a latest day', async () => {
      const related = await events({ searchType: 'related', resourceId: instanceId, count: 100 });
      assert.ok(related.length >= 2);
      assert.ok(related.every((row) => row.resourceId === instanceId));
      assert.deepEqual(await events({ resourceId: instanceId, region: 'sim-a', cloud: 'enterprise', count: 100 }), related);
      // m3 describe-events -tn ACME-DEV -c ENTERPRISE -r SIM-A, with the defaults its plugin adds.
      const inRegion = await world.m3Alice.call<Row[]>('GET_EVENTS', { tenantName: 'ACME-DEV', cloud: 'OPEN_STACK', region: 'SIM-A', searchType: 'ALL', count: 10 });
      assert.ok(inRegion.length > 0 && inRegion.every((row) => row.region === 'SIM-A'));
      // Up to the end of the first day: the run, not the stop two days later.
      const early = await events({ resourceId: instanceId, latestEventDate: dotted(firstDay), count: 100 });
      assert.ok(early.length > 0 && early.length < related.length);
      assert.ok(early.every((row) => (row.timestamp as number) < firstDay + DAY));
      assert.deepEqual(await events({ latestEventDate: dotted(Date.now() - 30 * DAY) }), []);
    });

    it('shows one event by its id, with its data', async () => {
      const [first] = await log();
      const [row] = await events({ eventId: first!.id });
      assert.equal(row!.eventId, first!.id);
      assert.deepEqual(row!.data, first!.data);
      const unknown = await failureOf(events({ eventId: '00000000-0000-7000-8000-000000000000' }));
      assert.equal(unknown.statusCode, 404);
      assert.match(String(unknown.readableError), /event '00000000-0000-7000-8000-000000000000' does not exist/);
    });

    it('refuses search types and values it cannot express, and callers without the permission', async () => {
      const group = await failureOf(events({ searchType: 'security' }));
      assert.equal(group.statusCode, 400);
      assert.match(String(group.readableError), /searchType SECURITY.*not by event group; use ALL or RELATED/);
      assert.match(String((await failureOf(events({ searchType: 'RELATED' }))).readableError), /RELATED needs resourceId/);
      assert.match(String((await failureOf(events({ count: '0' }))).readableError), /count.*at least 1/);
      assert.match(String((await failureOf(events({ count: 101 }))).readableError), /count.*at most 100/);
      assert.match(String((await failureOf(events({ cloud: 'AWS' }))).readableError), /give region with cloud/);
      assert.match(String((await failureOf(events({ cloud: 'AWS', region: 'sim-a' }))).readableError), /region SIM-A is in cloud OPEN_STACK, not AWS/);
      assert.match(String((await failureOf(world.m3Alice.call('GET_EVENTS', {}))).readableError), /tenantName/);
      assert.match(String((await failureOf(events({ tenantName: 'nowhere' }))).readableError), /NOWHERE/);
      assert.equal((await failureOf(stranger.call('GET_EVENTS', { tenantName: 'acme-dev' }))).statusCode, 403);
    });
  });
}
