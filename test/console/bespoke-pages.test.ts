// The console's bespoke pages in a real browser (Debian's chromium through playwright-core):
// the dashboard, an instance's detail page and Reporting, against a real server whose clock
// starts hours back so the simulated instance has billed hours. Screenshots at 360 and 1440 px
// land in test-artifacts/console/ beside the other pages'.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, type MaestroClient } from '../../src/sdk/client.js';
import { waitForState } from '../compute/setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { browserTestsUnavailable, byTestId, launchChromium, layoutProblems, logInThroughForm, until, viewports, watchPageProblems } from '../support/browser.js';

const unavailable = browserTestsUnavailable();
if (unavailable && process.env.CI === 'true') {
  test('the bespoke pages browser tests can run in CI', () => assert.fail(`they must run in CI, but ${unavailable}`));
}

const PASSWORD = 'bespoke-pages-password-1';
const { wide } = viewports;
const prices = {
  instance: { perCpuMonth: 100, perRamGbMonth: 37, perDiskGbMonth: 1.1 },
  volume: { perGbMonth: 2.9 },
  service: { perTenantMonth: 0 },
};

const day = (date: Date) => date.toISOString().slice(0, 10);

describe('the console bespoke pages in a real browser', { skip: unavailable }, () => {
  // Five hours back, so that the instance run then has complete hours to bill once the clock is set to now.
  const started = new Date(Date.now() - 5 * 3_600_000);
  const clock = new ManualClock(started);
  let server: TestServer;
  let admin: MaestroClient;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let instanceId: string;

  before(async () => {
    server = await startTestServer({ clock, config: { simLatencyMs: 0, systemJobs: false } });
    admin = createClient({ url: server.url, ...server.credentials, now: () => clock.now().getTime() });
    const adminName = server.maestro.bootstrap!.user;
    await admin.users.setPassword({ name: adminName, password: PASSWORD });
    const hour = new Date(started);
    hour.setUTCMinutes(0, 0, 0);
    // A private simulated region (its agent runs in the server) follows the hand-moved clock.
    await admin.regions.create({ name: 'sim-one', cloud: 'SIMULATED', kind: 'private', nativeName: 'sim-one' });
    await admin.pricePolicies.create({ region: 'sim-one', effectiveFrom: hour.toISOString(), prices });
    await admin.customers.create({ name: 'acme' });
    await admin.tenants.create({ customer: 'acme', name: 'shop' });
    await admin.tenants.activateRegion({ tenant: 'shop', region: 'sim-one' });
    const { instances } = await admin.instances.run({
      tenant: 'shop',
      region: 'sim-one',
      image: 'ubuntu-24.04',
      shape: 'SMALL',
      name: 'web-1',
      tags: { team: 'web' },
    });
    instanceId = instances[0]!.id;
    await waitForState(admin, 'shop', [instanceId], 'running');
    clock.set(new Date());
    await admin.billing.run({});
    await admin.quotas.setMonthly({ tenant: 'shop', limit: 100_000, currency: 'USD', action: 'deny' });

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: wide, acceptDownloads: true });
    page = await context.newPage();
    problems = watchPageProblems(page);
    await logInThroughForm(page, server.url, adminName, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the root opens the dashboard; its cards show the tenant, and the running count follows a new instance live', async () => {
    await page.waitForURL(/\/console\/dashboard/);
    await page.goto(`${server.url}/console/dashboard?tenant=shop`);
    const running = byTestId(page, 'running-count');
    await until(async () => assert.equal((await running.innerText()).trim(), '1'));
    await page.evaluate(() => ((globalThis as Record<string, unknown>).sameDocument = true));

    await byTestId(page, 'spend-amount').first().waitFor();
    assert.match(await byTestId(page, 'spend-amount').first().innerText(), /^\d+\.\d{2}( [A-Z]{3})?$/);
    await byTestId(page, 'quota-bar').first().waitFor();
    assert.match(await byTestId(page, 'quota-bar').first().innerText(), /Monthly spending · all regions/);
    await page.locator('[data-testid="recent-event"][data-type="instance.launched"]').first().waitFor();

    const { instances } = await admin.instances.run({ tenant: 'shop', region: 'sim-one', image: 'ubuntu-24.04', shape: 'SMALL', name: 'web-2' });
    await waitForState(admin, 'shop', [instances[0]!.id], 'running');
    await until(async () => assert.equal((await running.innerText()).trim(), '2'));
    assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).sameDocument), true, 'the page was not reloaded');
    await admin.instances.terminate({ tenant: 'shop', id: instances[0]!.id });
  });

  test("an instance's page shows its fields and tags, stops it after the command's question, and follows its state live", async () => {
    await page.goto(`${server.url}/console/instances/${instanceId}?tenant=shop`);
    await byTestId(page, 'instance-detail').waitFor();
    const state = byTestId(page, 'instance-state');
    await until(async () => assert.equal(await state.getAttribute('data-state'), 'running'));
    assert.equal((await byTestId(page, 'field-name').innerText()).trim(), 'web-1');
    assert.equal((await byTestId(page, 'tag-team').innerText()).trim(), 'team=web');
    assert.equal(await byTestId(page, 'action-instances.start').isDisabled(), true, 'a running instance cannot be started');

    await byTestId(page, 'action-instances.stop').click();
    assert.match(await byTestId(page, 'confirm-question').innerText(), /Stop this instance\?/);
    await byTestId(page, 'confirm-ok').click();
    await until(async () => assert.equal(await state.getAttribute('data-state'), 'stopped'));
    const stored = await admin.instances.describe({ tenant: 'shop', ids: [instanceId] });
    assert.equal(stored.items[0]!.state, 'stopped');

    // A change made elsewhere reaches the open page through the live stream.
    await admin.instances.start({ tenant: 'shop', id: instanceId });
    await until(async () => assert.equal(await state.getAttribute('data-state'), 'running'));

    // Manage tags opens the generic form for tags.set on this instance, and comes back to it.
    await byTestId(page, 'manage-tags').click();
    await page.waitForURL(new RegExp(`/console/run/tags/set\\?.*resourceId=${instanceId}`));
    const tags = byTestId(page, 'field-tags');
    await tags.fill('stage=live');
    await tags.press('Enter');
    await byTestId(page, 'wizard-run').last().click();
    await page.waitForURL(new RegExp(`/console/instances/${instanceId}`));
    await until(async () => assert.equal((await byTestId(page, 'tag-stage').innerText()).trim(), 'stage=live'));
    assert.equal((await byTestId(page, 'tag-team').innerText()).trim(), 'team=web', 'other tags stay');

    await byTestId(page, 'tab-autoconfiguration').click();
    await until(async () => assert.match(await byTestId(page, 'launch-how').innerText(), /Launched by Maestro/));
    assert.equal((await byTestId(page, 'auto-tags').innerText()).trim(), 'team=web');
    assert.match(await byTestId(page, 'user-data-none').innerText(), /None stored/);
    await byTestId(page, 'tab-metrics').click();
    await byTestId(page, 'metrics-none').waitFor();

    await byTestId(page, 'tab-audit').click();
    await page.waitForURL(new RegExp(`resource=${instanceId}`));
    await until(async () => {
      const text = await page.locator('[data-testid^="table-events"]').innerText();
      assert.match(text, /instance\.launched/);
      assert.doesNotMatch(text, /web-2/, "only this instance's events");
    });
  });

  test('Reporting shows a report as chart and table, and downloads exactly the table as CSV', async () => {
    const from = day(started);
    const to = day(clock.now());
    await page.goto(`${server.url}/console/reporting?tenant=shop&kind=resource&from=${from}&to=${to}`);
    await byTestId(page, 'report-table').waitFor();
    await byTestId(page, 'report-chart').waitFor();
    const expected = await admin.billing.report({ kind: 'resource', tenant: 'shop', from, to });
    assert.ok(expected.rows.length > 0, 'the instance has billed hours');
    await until(async () => assert.equal(await byTestId(page, 'report-row').count(), expected.rows.length));
    assert.ok((await byTestId(page, 'report-cell-name').allInnerTexts()).includes('web-1'));

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'report-csv').click()]);
    assert.match(download.suggestedFilename(), /^maestro-resource-shop-.*\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], expected.columns.join(','));
    assert.equal(lines.length, expected.rows.length + 1);
    const nameAt = expected.columns.indexOf('name');
    assert.ok(lines.slice(1).some((line) => line.split(',')[nameAt] === 'web-1'));

    await byTestId(page, 'report-kind').click();
    await page.locator('mat-option', { hasText: 'By tag' }).click();
    await byTestId(page, 'report-problem').waitFor();
    assert.match(await byTestId(page, 'report-problem').innerText(), /tag key/);
    await byTestId(page, 'report-tag-key').fill('team');
    await byTestId(page, 'report-tag-key').press('Tab');
    await until(async () => assert.ok((await byTestId(page, 'report-cell-tagValue').allInnerTexts()).includes('web')));
  });

  test('Jobs and nodes shows each node with its health and job slots, and the jobs in the generic table', async () => {
    const { items } = await admin.nodes.describe({});
    assert.ok(items.length > 0, 'the test server registered its node');
    const node = items[0]!;
    await page.goto(`${server.url}/console/jobs`);
    const card = byTestId(page, `node-${node.name}`);
    await card.waitFor();
    assert.equal(await card.getAttribute('data-status'), node.status);
    assert.match(await card.locator('[data-testid="node-status"]').innerText(), /heartbeat \d+ (s|min|h) ago/);
    assert.match(await card.locator('[data-testid="node-jobs"]').innerText(), new RegExp(`of ${node.load.jobConcurrency}$`));
    const jobs = await admin.jobs.describe({ limit: 1 });
    if (jobs.items.length > 0) await byTestId(page, `row-${jobs.items[0]!.id}`).waitFor();
    else await byTestId(page, 'table-empty').waitFor();
  });

  test("Reporting's choices and the instance's actions are reached by the keyboard, with a visible focus", async () => {
    const reached = async (ids: readonly string[], presses: number) => {
      const seen: string[] = [];
      for (let press = 0; press < presses && !ids.every((id) => seen.includes(id)); press++) {
        await page.keyboard.press('Tab');
        // Evaluated in the page as text: the server's type-check has no DOM types.
        const focused = await page.evaluate<{ id: string; visible: boolean } | null>(`(() => {
          const element = document.activeElement;
          const id = element?.closest('[data-testid]')?.getAttribute('data-testid') ?? null;
          if (!element || !id) return null;
          const style = getComputedStyle(element);
          const field = element.closest('.mat-mdc-form-field');
          const visible = (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none' ||
            (field?.classList.contains('mat-focused') ?? false) || element.matches(':focus-visible');
          return { id, visible };
        })()`);
        if (focused && ids.includes(focused.id) && !seen.includes(focused.id)) {
          assert.ok(focused.visible, `${focused.id} shows where the focus is`);
          seen.push(focused.id);
        }
      }
      return seen;
    };
    await page.goto(`${server.url}/console/reporting?tenant=shop&kind=resource&from=${day(started)}&to=${day(clock.now())}`);
    await byTestId(page, 'report-table').waitFor();
    const reporting = ['report-kind', 'report-preset', 'report-from', 'report-to', 'report-resource-type', 'report-region', 'report-csv'];
    assert.deepEqual((await reached(reporting, 60)).sort(), [...reporting].sort());

    await page.goto(`${server.url}/console/instances/${instanceId}?tenant=shop`);
    await byTestId(page, 'instance-state').waitFor();
    const instance = ['action-instances.stop', 'action-instances.reboot', 'action-instances.terminate', 'manage-tags'];
    assert.deepEqual((await reached(instance, 60)).sort(), [...instance].sort());
  });

  test('the bespoke pages hold at 360 and 1440 px and pass the accessibility scan', async () => {
    const found = await layoutProblems(page, server.url, [
      ['dashboard', '/console/dashboard?tenant=shop', 'running-count'],
      ['instance-detail', `/console/instances/${instanceId}?tenant=shop`, 'instance-state'],
      ['reporting', `/console/reporting?tenant=shop&kind=subtotal&from=${day(started)}&to=${day(clock.now())}`, 'report-table'],
      ['jobs-nodes', '/console/jobs', 'nodes'],
    ]);
    assert.deepEqual(found, []);
    assert.deepEqual(problems, [], 'no uncaught error, CSP refusal or console error on any page');
  });
});
