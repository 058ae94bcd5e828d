import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Instance } from '../../src/protocol/commands/compute-schemas.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { compatWorldWithInstances, type CompatWorld } from './support/setup.js';
import { failsWith } from './support/failures.js';
import type { M3Client } from './support/m3-client.js';

type Row = Record<string, unknown>;

/** A create-schedule request as the command-line client sends it once its request plugin has run. */
function cliCreate(fields: { name: string; cron: string; type: string; action?: string; instances?: string[]; tag?: { key: string; value: string } }) {
  const schedule: Row = {
    tenantName: 'ACME-DEV',
    region: 'SIM-A',
    cloud: 'ENTERPRISE',
    displayName: fields.name,
    description: `${fields.name} schedule`,
    cron: fields.cron,
    action: fields.action ?? 'STOP',
    scheduleType: fields.type,
    whenToExecute: 'By cron expression',
    scheduleName: `${fields.name}::sim-a`.toLowerCase(),
    instances: (fields.instances ?? []).map((instanceId) => ({ instanceId, instanceLocationInfo: { region: 'SIM-A' } })),
    ...(fields.tag ? { tag: fields.tag } : {}),
  };
  return { schedule };
}

const where = { tenantName: 'acme-dev', cloud: 'enterprise', region: 'sim-a' };

for (const flavour of flavours) {
  describe(`instance schedules through the Maestro protocol (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let world: CompatWorld;
    let reader: M3Client;
    let web: Instance;
    let spare: Instance;
    before(async () => {
      database = await flavour.open();
      ({ world, reader, web, spare } = await compatWorldWithInstances(database.db));
    });
    after(async () => {
      await world?.close();
      await database?.close();
    });

    const ours = async (name: string) => (await world.alice.schedules.describe({ tenant: 'ACME-DEV', name })).items[0];

    it('creates a schedule of specified instances from a Quartz cron expression, as the command-line client sends it', async () => {
      const created = await world.m3Alice.call<Row>(
        'CREATE_SCHEDULE',
        cliCreate({ name: 'Evening-Stop', cron: '0 0 20 ? * MON-FRI *', type: 'specified INSTANCES', action: 'stop', instances: [web.id] }),
      );
      assert.equal(created.displayName, 'Evening-Stop');
      assert.equal(created.action, 'STOP');
      assert.equal(created.scheduleType, 'Specified instances');
      assert.equal(created.tenantName, 'ACME-DEV');
      assert.equal(created.region, 'SIM-A');
      assert.equal(created.cloud, 'SIMULATED');
      assert.equal(typeof created.nextRun, 'number');
      const stored = await ours('Evening-Stop');
      assert.equal(stored?.cron, '0 20 ? * MON-FRI');
      assert.equal(stored?.timeZone, 'UTC');
      assert.equal(stored?.action, 'stop');
      assert.equal(stored?.description, 'Evening-Stop schedule');
      assert.deepEqual(stored?.instanceIds, [web.id]);
      assert.equal(Date.parse(stored!.nextRun!), created.nextRun);
      assert.equal(new Date(created.nextRun as number).getUTCHours(), 20);
      assert.ok([1, 2, 3, 4, 5].includes(new Date(created.nextRun as number).getUTCDay()));
    });

    it('translates Quartz day numbers and refuses what five cron fields cannot say', async () => {
      // Quartz numbers days from 1 = Sunday: 2-6 is Monday to Friday, 6#3 the third Friday.
      await world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'weekday-start', cron: '0 30 8 ? * 2-6', type: 'Specified instances', action: 'START' }));
      assert.equal((await ours('weekday-start'))?.cron, '30 8 ? * 1-5');
      await world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'third-friday', cron: '0 0 6 ? * 6#3 *', type: 'Specified instances' }));
      assert.equal((await ours('third-friday'))?.cron, '0 6 ? * 5#3');
      // Five fields are Maestro's own form, taken as they are.
      await world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'classic', cron: '15 22 * * 0', type: 'Specified instances' }));
      assert.equal((await ours('classic'))?.cron, '15 22 * * 0');

      const refused = (cron: string) => world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'refused', cron, type: 'Specified instances' }));
      await failsWith(refused('30 0 20 * * ?'), 400, /seconds field must be 0 \(got '30'\)/);
      await failsWith(refused('0 0 20 * * ? 2030'), 400, /cannot be limited to some years/);
      await failsWith(refused('0 20 * *'), 400, /it has 4 fields/);
      await failsWith(refused('0 0 20 ? * 9'), 400, /1 \(Sunday\) to 7 \(Saturday\) \(got 9\)/);
      await failsWith(refused('0 0 99 * * ?'), 400, /cron '0 99 \* \* \?' is not a cron expression/);
      assert.equal(await ours('refused'), undefined);
    });

    it('creates a tag schedule from the tag the client sends, and refuses "All my instances in region", saying why', async () => {
      const created = await world.m3Alice.call<Row>('CREATE_SCHEDULE', cliCreate({ name: 'dev-nights', cron: '0 0 22 * * ?', type: 'my instances with tag', tag: { key: 'env', value: 'dev' } }));
      assert.equal(created.scheduleType, 'My instances with tag');
      assert.deepEqual((await ours('dev-nights'))?.tags, [{ key: 'env', value: 'dev' }]);
      // tagKey and tagValue as the reference names them; an empty value means any value.
      await world.m3Alice.call('CREATE_SCHEDULE', { schedule: { ...cliCreate({ name: 'any-env', cron: '0 0 22 * * ?', type: 'My instances with tag' }).schedule, tagKey: 'env', tagValue: '' } });
      assert.deepEqual((await ours('any-env'))?.tags, [{ key: 'env', value: null }]);

      await failsWith(
        world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'everything', cron: '0 0 22 * * ?', type: 'All my instances in region' })),
        400,
        /'All my instances in region' is not supported: Maestro's schedules reach instances by id or by tag/,
      );
      await failsWith(world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'tagless', cron: '0 0 22 * * ?', type: 'My instances with tag' })), 400, /needs tagKey/);
      await failsWith(
        world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'mixed', cron: '0 0 22 * * ?', type: 'Specified instances', tag: { key: 'env', value: 'dev' } })),
        400,
        /takes instances, not a tag/,
      );
      await failsWith(world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'odd', cron: '0 0 22 * * ?', type: 'Some instances' })), 400, /scheduleType: must be one of/);
    });

    it('describes schedules as the clients read them, filtered by region, cloud and type', async () => {
      const rows = await world.m3Alice.call<Row[]>('DESCRIBE_SCHEDULES', { tenantName: 'acme-dev', cloud: 'enterprise' });
      const evening = rows.find((r) => r.displayName === 'Evening-Stop')!;
      for (const field of ['action', 'displayName', 'nextRun', 'region', 'scheduleOwner', 'scheduleType', 'instances', 'tag', 'description']) {
        assert.ok(Object.hasOwn(evening, field), field);
      }
      assert.equal(evening.scheduleOwner, 'alice');
      assert.equal(evening.region, 'SIM-A');
      assert.deepEqual(evening.instances, [{ instanceId: web.id, instanceLocationInfo: { region: 'SIM-A' } }]);
      assert.equal(evening.tag, null);
      assert.deepEqual(rows.find((r) => r.displayName === 'dev-nights')!.tag, { key: 'env', value: 'dev' });

      const tagged = await world.m3Alice.call<Row[]>('DESCRIBE_SCHEDULES', { ...where, scheduleType: 'MY INSTANCES WITH TAG', scheduleGroup: 'all' });
      assert.deepEqual(tagged.map((r) => r.displayName).sort(), ['any-env', 'dev-nights']);
      // Schedules that reach no instance yet belong to no region: every region's and cloud's listing shows them.
      const unplaced = ['classic', 'third-friday', 'weekday-start'];
      const aws = await world.m3Alice.call<Row[]>('DESCRIBE_SCHEDULES', { tenantName: 'acme-dev', cloud: 'aws' });
      assert.deepEqual(aws.map((r) => r.displayName).sort(), unplaced);
      await world.admin.regions.create({ name: 'sim-z', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-z-native' });
      const elsewhere = await world.m3Alice.call<Row[]>('DESCRIBE_SCHEDULES', { ...where, region: 'sim-z' });
      assert.deepEqual(elsewhere.map((r) => r.displayName).sort(), unplaced);
      assert.deepEqual(await world.m3Alice.call('DESCRIBE_SCHEDULES', { tenantName: 'acme-dev', cloud: 'yandex' }), []);

      await failsWith(world.m3Alice.call('DESCRIBE_SCHEDULES', { tenantName: 'acme-dev' }), 400, /cloud/);
      await failsWith(world.m3Alice.call('DESCRIBE_SCHEDULES', { tenantName: 'other', cloud: 'aws' }), 403, /no access to tenant OTHER/);
    });

    it('adds and removes instances one row each, an unknown or malformed one failing only its own row', async () => {
      const unknown = randomUUID();
      const added = await world.m3Alice.call<Row[]>('SCHEDULE_ADD_INSTANCES', {
        ...where,
        scheduleName: 'classic',
        instanceIds: `${web.id},${unknown},not-an-id,${spare.id}`,
      });
      assert.deepEqual(
        added.map((r) => [r.Instance, r.Status]),
        [
          [web.id, 'Added'],
          [unknown, 'Not added'],
          ['not-an-id', 'Not added'],
          [spare.id, 'Added'],
        ],
      );
      assert.equal(added[0]!.Reason, null);
      // What the client's plugin reads when some rows failed: success or reason, and the instance under instancesId.
      assert.deepEqual(
        added.map((r) => [r.instancesId, Boolean(r.success), typeof r.reason]),
        [
          [web.id, true, 'undefined'],
          [unknown, false, 'string'],
          ['not-an-id', false, 'string'],
          [spare.id, true, 'undefined'],
        ],
      );
      assert.match(String(added[1]!.Reason), new RegExp(`instance '${unknown}' does not exist`));
      assert.equal(added[1]!.failed, 404);
      assert.match(String(added[2]!.Reason), /UUID/);
      assert.deepEqual((await ours('classic'))?.instanceIds.sort(), [web.id, spare.id].sort());

      const removed = await world.m3Alice.call<Row[]>('SCHEDULE_REMOVE_INSTANCES', { ...where, scheduleName: 'CLASSIC::SIM-A', instanceIds: [spare.id, unknown] });
      assert.deepEqual(
        removed.map((r) => [r.Instance, r.Status]),
        [
          [spare.id, 'Deleted'],
          [unknown, 'Not deleted'],
        ],
      );
      assert.match(String(removed[1]!.Reason), /has no .* attached; it has/);
      assert.deepEqual((await ours('classic'))?.instanceIds, [web.id]);

      await failsWith(world.m3Alice.call('SCHEDULE_ADD_INSTANCES', { ...where, scheduleName: 'nope', instanceIds: [web.id] }), 404, /schedule 'nope' does not exist/);
      await failsWith(world.m3Alice.call('SCHEDULE_ADD_INSTANCES', { ...where, scheduleName: 'classic' }), 400, /instanceIds/);
      await failsWith(reader.call('SCHEDULE_ADD_INSTANCES', { ...where, scheduleName: 'classic', instanceIds: [spare.id] }), 403, /MANAGE_SCHEDULE/);
    });

    it('leaves no schedule behind when its instances cannot be attached, and refuses users who may not', async () => {
      const unknown = randomUUID();
      await failsWith(
        world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'half-made', cron: '0 0 7 * * ?', type: 'Specified instances', instances: [web.id, unknown] })),
        404,
        new RegExp(unknown),
      );
      assert.equal(await ours('half-made'), undefined);
      const { schedule } = cliCreate({ name: 'no-cron', cron: '', type: 'Specified instances' });
      const { cron: _cron, ...withoutCron } = schedule;
      await failsWith(world.m3Alice.call('CREATE_SCHEDULE', { schedule: withoutCron }), 400, /cron/);
      await failsWith(reader.call('CREATE_SCHEDULE', cliCreate({ name: 'readers', cron: '0 0 7 * * ?', type: 'Specified instances' })), 403, /MANAGE_SCHEDULE/);
      await failsWith(
        world.m3Alice.call('CREATE_SCHEDULE', { schedule: { ...schedule, cron: '0 0 7 * * ?', region: 'SIM-Z' } }),
        400,
        /tenant ACME-DEV is not activated in region SIM-Z/,
      );
    });

    it('deletes a schedule by its name as the clients spell it', async () => {
      const deleted = await world.m3Alice.call<Row>('DELETE_SCHEDULE', { tenantName: 'acme-dev', region: 'sim-a', scheduleName: 'evening-stop::sim-a' });
      assert.equal(deleted.displayName, 'Evening-Stop');
      assert.equal(await ours('Evening-Stop'), undefined);
      // The Terraform provider sends its whole schedule object, with the fields it does not need left empty.
      await world.m3Alice.call('DELETE_SCHEDULE', {
        tenantName: 'ACME-DEV',
        region: 'SIM-A',
        scheduleName: 'classic',
        cloud: 'ENTERPRISE',
        displayName: '',
        cron: '',
        description: '',
        action: '',
        scheduleType: '',
        instances: [],
        tag: null,
      });
      assert.equal(await ours('classic'), undefined);
      await failsWith(world.m3Alice.call('DELETE_SCHEDULE', { tenantName: 'acme-dev', region: 'sim-a', scheduleName: 'classic' }), 404, /schedule 'classic' does not exist/);
      await failsWith(reader.call('DELETE_SCHEDULE', { tenantName: 'acme-dev', region: 'sim-a', scheduleName: 'dev-nights' }), 403, /MANAGE_SCHEDULE/);
    });

    it('refuses a tag schedule in a tenant of several regions: it would reach the tagged instances in all of them', async () => {
      await world.admin.tenants.activateRegion({ tenant: 'acme-dev', region: 'sim-z' });
      await failsWith(
        world.m3Alice.call('CREATE_SCHEDULE', cliCreate({ name: 'wide', cron: '0 0 22 * * ?', type: 'My instances with tag', tag: { key: 'env', value: 'dev' } })),
        400,
        /reaches the tagged instances in every region of tenant ACME-DEV \(SIM-A, SIM-Z\), not only those in SIM-A/,
      );
      assert.equal(await ours('wide'), undefined);
      const tagged = await world.m3Alice.call<Row[]>('DESCRIBE_SCHEDULES', { tenantName: 'acme-dev', cloud: 'enterprise', region: 'sim-z' });
      assert.ok(tagged.some((r) => r.displayName === 'dev-nights' && r.region === 'SIM-A, SIM-Z'));
    });
  });
}
