import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { waitForState } from '../../../src/clouds/waiter.js';
import { systemClock } from '../../../src/domain/clock.js';
import { DirectOpenStack, testCloud, type DirectSettings } from '../openstack-direct.js';

/**
 * The test OpenStack's region settings, in the driver's own format: from the file the install
 * script writes (/etc/openstack/maestro-test.json, or MAESTRO_OPENSTACK_TEST_CONFIG), else the
 * documented defaults of the test cloud (demo/demo in project demo).
 */
export interface TestCloudSettings {
  password: Record<string, unknown> & { authUrl: string; region: string };
  applicationCredential: (Record<string, unknown> & { authUrl: string }) | null;
}

export function testCloudSettings(): TestCloudSettings {
  const file = process.env.MAESTRO_OPENSTACK_TEST_CONFIG ?? '/etc/openstack/maestro-test.json';
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<TestCloudSettings>;
    if (saved.password) return { password: saved.password, applicationCredential: saved.applicationCredential ?? null };
  }
  return {
    password: {
      authUrl: testCloud.authUrl,
      region: testCloud.region,
      project: { name: testCloud.project, domain: { name: 'Default' } },
      user: { name: testCloud.user, domain: { name: 'Default' }, password: testCloud.password },
    },
    applicationCredential: null,
  };
}

/** The test cloud's administrator (admin in project admin), for what a test must set up as one: projects, role assignments. */
export function testCloudAdmin(): DirectSettings {
  const file = process.env.MAESTRO_OPENSTACK_TEST_CONFIG ?? '/etc/openstack/maestro-test.json';
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { admin?: { user?: { password?: string } } }) : {};
  return { ...testCloud, user: 'admin', password: saved.admin?.user?.password ?? 'admin', project: 'admin' };
}

/** Where the test cloud publishes Nova's notifications (written by the install script), if it says. */
export function testCloudNotifications(): { amqpUrl: string } | null {
  const file = process.env.MAESTRO_OPENSTACK_TEST_CONFIG ?? '/etc/openstack/maestro-test.json';
  if (!existsSync(file)) return null;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { notifications?: { amqpUrl?: string } };
  return saved.notifications?.amqpUrl ? { amqpUrl: saved.notifications.amqpUrl } : null;
}

/**
 * The test cloud as a region of `maestro agent`: the driver's settings with nothing secret, and
 * the password (and the notifications broker, when the cloud has one) for the agent's sealed store.
 */
export function testCloudAgentRegion(name: string): { name: string; nativeName: string; cloud: 'OPEN_STACK'; config: Record<string, unknown>; credentials: Record<string, unknown> } {
  const settings = testCloudSettings().password as unknown as { authUrl: string; region: string; project: unknown; user: { name: string; domain: unknown; password: string } };
  const notifications = testCloudNotifications();
  return {
    name,
    nativeName: settings.region,
    cloud: 'OPEN_STACK',
    config: { authUrl: settings.authUrl, project: settings.project, user: { name: settings.user.name, domain: settings.user.domain } },
    credentials: { user: { password: settings.user.password }, ...(notifications ? { notifications: { amqpUrl: notifications.amqpUrl } } : {}) },
  };
}

/**
 * Null when the test cloud answers (a token from Keystone, the flavors from Nova); otherwise why
 * not, in one line. In CI, where the cloud may still be starting, it waits a while first.
 */
export async function testCloudProblem(): Promise<string | null> {
  let problem = '';
  try {
    await waitForState({
      what: 'the test OpenStack to answer',
      pending: ['unreachable'],
      target: ['reachable'],
      refresh: async () => {
        try {
          const cloud = await DirectOpenStack.login();
          await cloud.ok('compute', 'GET', '/flavors');
          return { state: 'reachable', value: undefined };
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
          problem = `the test OpenStack at ${testCloud.authUrl} does not answer: ${error instanceof Error ? error.message : String(error)}${cause}`;
          return { state: 'unreachable', value: undefined };
        }
      },
      timeoutMs: process.env.CI === 'true' ? 120_000 : 0,
      minPollMs: 2_000,
      clock: systemClock,
    });
    return null;
  } catch {
    return problem;
  }
}

/**
 * Registers a file's tests against the test cloud: `register` when the cloud answers; outside CI,
 * a missing cloud skips `title` in one line; in CI it fails it. A cloud that answered and then
 * failed `register`'s setting up is a failure, said in one test.
 */
export async function againstTheTestCloud(title: string, register: () => Promise<void> | void): Promise<void> {
  const problem = await testCloudProblem();
  if (problem && process.env.CI === 'true') {
    describe(title, () => it('needs the test OpenStack in CI', () => assert.fail(`the test OpenStack is required in CI (scripts/backends/openstack.sh): ${problem}`)));
    return;
  }
  if (problem) {
    describe(title, { skip: `skipped without the test OpenStack: ${problem}` }, () => undefined);
    return;
  }
  try {
    await register();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    describe(title, () => {
      it('sets up against the test OpenStack', () => assert.fail(`setting up against the test OpenStack failed: ${error instanceof Error ? error.message : String(error)}${cause}`));
    });
  }
}
