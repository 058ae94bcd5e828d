import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { compatActions } from '../../src/server/compat/actions/index.js';
import { referenceActions } from '../../src/server/compat/reference.js';
import { flavours, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The actions issue 7 names: the published clients' everyday work. */
const required = [
  'M3_STATUS', 'DESCRIBE_TENANTS', 'DESCRIBE_REGIONS', 'LIST_REGION_SHAPES', 'DESCRIBE_IMAGE', 'CREATE_IMAGE', 'DELETE_IMAGE',
  'EXECUTE_APPROVAL_ACTION', 'START_INSTANCE', 'STOP_INSTANCE', 'REBOOT_INSTANCE', 'TERMINATE_INSTANCE', 'DESCRIBE_INSTANCE',
  'MANAGE_TERMINATION_PROTECTION', 'ADD_KEY', 'DESCRIBE_KEYS', 'DELETE_KEY', 'DESCRIBE_VOLUME', 'CREATE_AND_ATTACH_VOLUME',
  'DETACH_VOLUME', 'REMOVE_VOLUME', 'DESCRIBE_TAGS', 'UPDATE_TAGS', 'DELETE_TAGS', 'LIST_RESOURCES', 'DESCRIBE_SCHEDULES',
  'CREATE_SCHEDULE', 'DELETE_SCHEDULE', 'SCHEDULE_ADD_INSTANCES', 'SCHEDULE_REMOVE_INSTANCES', 'UPDATE_INSTANCE_QUOTA',
  'GET_INSTANCE_QUOTA', 'REMOVE_INSTANCE_QUOTA', 'UPDATE_VOLUME_QUOTA', 'GET_VOLUME_QUOTA', 'REMOVE_VOLUME_QUOTA', 'GET_EVENTS',
  'GET_PRICE_MODEL', 'GET_USER_PERMISSIONS', 'GET_TOTAL_BILLING_REPORT', 'GET_SUBTOTAL_BILLING_REPORT',
  'GET_RESOURCE_BILLING_REPORT', 'GET_HOURLY_BILLING_REPORT',
];

/** The top-level parameter names an action's schema accepts. */
function acceptedNames(schema: z.ZodType): Set<string> {
  return schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : new Set();
}

describe('the compatible endpoint against the published client’s command definitions', () => {
  const reference = referenceActions();

  it('supports every action the issue names', () => {
    assert.deepEqual(required.filter((action) => !compatActions.has(action)), []);
  });

  it('supports only actions the reference defines', () => {
    assert.deepEqual([...compatActions.keys()].filter((action) => !reference.has(action)), []);
  });

  it('accepts every parameter name of every client command that sends a supported action, under the same wrapper', () => {
    const problems: string[] = [];
    for (const [action, definition] of compatActions) {
      const accepted = acceptedNames(definition.params);
      for (const command of reference.get(action) ?? []) {
        if ((command.requestWrapper ?? undefined) !== definition.wrapper) {
          problems.push(`${action} (${command.command}): wrapper ${String(definition.wrapper)}, the client uses ${String(command.requestWrapper)}`);
        }
        for (const parameter of command.parameters) {
          if (!accepted.has(parameter.wireName) && action !== 'M3_STATUS') {
            problems.push(`${action} (${command.command}): parameter ${JSON.stringify(parameter.wireName)} (--${parameter.option}) is not accepted`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

for (const flavour of flavours) {
  describe(`maestro admin compat describe (${flavour.name})`, { skip: await flavour.skip() }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await flavour.open();
      server = await startTestServer({ db: database.db });
    });
    after(async () => {
      await server?.close();
      await database?.close();
    });

    it('lists each reference action once, with its client commands and whether it is supported', async () => {
      const all = await server.admin.compat.describe({});
      assert.equal(all.total, new Set(referenceActions().keys()).size);
      assert.equal(all.supported, compatActions.size);
      assert.equal(all.items.length, all.total);
      const run = all.items.find((item) => item.action === 'EXECUTE_APPROVAL_ACTION');
      assert.deepEqual(run?.commands, ['run-instances']);
      const unsupported = await server.admin.compat.describe({ supported: false });
      assert.equal(unsupported.items.length, all.total - all.supported);
      assert.ok(unsupported.items.every((item) => !compatActions.has(item.action)));
    });
  });
}
