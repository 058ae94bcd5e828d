// The web console in a real browser (Debian's chromium through playwright-core): what a user does
// on it, end to end against a real server, with the console's production build. Screenshots of
// the main pages at 360 and 1440 px land in test-artifacts/console/ (docs/console.md).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  browserTestsUnavailable,
  byTestId,
  launchChromium,
  layoutProblems,
  logInThroughForm as logIn,
  screenshot,
  seriousViolations,
  until,
  viewports,
  watchPageProblems,
} from '../support/browser.js';

const unavailable = browserTestsUnavailable();
if (unavailable && process.env.CI === 'true') {
  test('the browser tests can run in CI', () => assert.fail(`they must run in CI, but ${unavailable}`));
}

const PASSWORD = 'console-test-password-1';
const LIMITED = { name: 'tess', password: 'tess-console-password' };
const { wide, phone } = viewports;

/** Chooses a picker's option: types the value (server-side search), then clicks the option. */
async function pick(page: Page, field: string, value: string): Promise<void> {
  const input = byTestId(page, `field-${field}`);
  await input.click();
  await input.fill(value);
  // Names come back as the server keeps them (tenant names are upper case): match any case.
  await page.locator(`[data-testid="field-${field}-option-${value}" i]`).click();
}

describe('the web console in a real browser', { skip: unavailable }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let adminName: string;
  let instanceId: string;

  before(async () => {
    // The simulated cloud takes a moment to boot an instance, as a real one does: the row is seen pending first.
    server = await startTestServer({ config: { defaultSimulatedRegion: true, simLatencyMs: 1500 } });
    adminName = server.maestro.bootstrap!.user;
    await server.admin.users.setPassword({ name: adminName, password: PASSWORD });
    await server.admin.users.create({ name: LIMITED.name, customer: 'default' });
    await server.admin.users.setPassword({ name: LIMITED.name, password: LIMITED.password });
    await server.admin.users.addRole({ name: LIMITED.name, tenant: 'default', role: 'user' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: wide });
    page = await context.newPage();
    problems = watchPageProblems(page);
  });

  // What the page showed when a step failed: the first thing to look at.
  afterEach(async (t) => {
    if (!(t as { passed?: boolean }).passed && page) await screenshot(page, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a refused log-in says so; the right password opens the console and the live stream', async () => {
    await page.goto(`${server.url}/console/management`);
    await byTestId(page, 'login-form').waitFor();
    await byTestId(page, 'login-user').fill(adminName);
    await byTestId(page, 'login-password').fill('not the password at all');
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'login-error').waitFor();
    await byTestId(page, 'login-password').fill(PASSWORD);
    await byTestId(page, 'login-submit').click();
    // Back where the user was going before the log-in.
    await page.waitForURL(/\/console\/management/);
    await page.locator('[data-testid="live-badge"][data-state="live"]').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'maestro_session');
    assert.ok(session, 'the session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate("document.cookie.includes('maestro_session')"), false, 'scripts cannot read the session');
  });

  test('the run-instance wizard runs an instance, and its row turns running live', async () => {
    await page.goto(`${server.url}/console/instances?tenant=default`);
    await byTestId(page, 'wizard-instances.run').click();
    await byTestId(page, 'wizard').waitFor();
    await pick(page, 'tenant', 'default');
    await pick(page, 'region', 'sim-local');
    await byTestId(page, 'wizard-next').first().click();
    await pick(page, 'image', 'ubuntu-24.04');
    await pick(page, 'shape', 'SMALL');
    await byTestId(page, 'field-name').fill('web-from-console');
    // Access, Options, then the review step.
    await byTestId(page, 'wizard-next').nth(1).click();
    await byTestId(page, 'wizard-next').nth(2).click();
    await byTestId(page, 'wizard-next').nth(3).click();
    await byTestId(page, 'wizard-review').waitFor();
    assert.match(await byTestId(page, 'review-image').innerText(), /ubuntu-24\.04/);
    await byTestId(page, 'wizard-run').last().click();

    const listed = await until(async () => {
      const answer = await server.admin.instances.describe({ tenant: 'default', name: 'web-from-console' });
      assert.equal(answer.items.length, 1, 'the wizard ran one instance');
      return answer.items[0]!;
    });
    instanceId = listed.id;

    await page.goto(`${server.url}/console/instances?tenant=default`);
    await page.evaluate(() => ((globalThis as Record<string, unknown>).sameDocument = true));
    const state = byTestId(page, `row-${instanceId}`).locator('[data-testid="cell-state"]');
    await state.waitFor();
    await until(async () => assert.equal((await state.innerText()).trim(), 'running'));
    assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).sameDocument), true, 'the page was not reloaded');
  });

  test('manage tags from a row, then filter Management by that tag', async () => {
    await server.admin.instances.run({ tenant: 'default', region: 'sim-local', image: 'ubuntu-24.04', shape: 'SMALL', name: 'untagged' });
    await page.goto(`${server.url}/console/management?tenant=default`);
    await byTestId(page, `row-actions-${instanceId}`).click();
    await byTestId(page, 'action-tags.set').click();
    await byTestId(page, 'command-form').waitFor();
    const tags = byTestId(page, 'field-tags');
    await tags.fill('team=blue');
    await tags.press('Enter');
    await byTestId(page, 'wizard-run').last().click();
    await until(async () => {
      const answer = await server.admin.resources.describe({ tenant: 'default', tagKey: 'team', tagValue: 'blue' });
      assert.deepEqual(answer.items.map((item) => item.id), [instanceId]);
    });

    await page.goto(`${server.url}/console/management?tenant=default`);
    await byTestId(page, 'facet-panel').waitFor();
    await byTestId(page, 'facet-type-instance').click();
    await byTestId(page, 'facet-tag-team').click();
    await byTestId(page, 'facet-value-blue').click();
    await page.waitForURL(/tagValue=blue/);
    await byTestId(page, `row-${instanceId}`).waitFor();
    await until(async () => assert.equal(await page.locator('[data-testid^="row-"]:not([data-testid^="row-actions"])').count(), 1));
  });

  test('a notification arrives live and is read on the Notifications page', async () => {
    const count = byTestId(page, 'notification-count');
    await until(async () => assert.ok(Number(await count.innerText()) > 0, 'the bell counts the unread notification'));
    await byTestId(page, 'notification-bell').click();
    await page.waitForURL(/\/console\/notifications/);
    const firstRow = page.locator('[data-testid^="row-actions-"]').first();
    const id = (await firstRow.getAttribute('data-testid'))!.replace('row-actions-', '');
    await firstRow.click();
    await byTestId(page, 'action-notifications.markRead').click();
    // Other instances' notifications may still arrive: the bell follows the server's unread count, whatever it is.
    await until(async () => {
      const unread = (await server.admin.notifications.describe({ read: false, limit: 500 })).items;
      assert.ok(!unread.some((n) => n.id === id), 'the notification is read');
      assert.equal(Number(await count.innerText()), unread.length, 'the bell counts what is unread');
    });
  });

  test("the instance's audit tab shows what was done to it", async () => {
    await page.goto(`${server.url}/console/instances/${instanceId}`);
    await byTestId(page, 'instance-detail').waitFor();
    await byTestId(page, 'tab-audit').click();
    await until(async () => {
      const text = await page.locator('[data-testid^="table-events"]').innerText();
      assert.match(text, /create/i, 'the run is in the audit');
      assert.match(text, /update/i, 'so is the tag change');
    });
  });

  test('the main pages hold at 360 and 1440 px and pass the accessibility scan', async () => {
    const found = await layoutProblems(page, server.url, [
      ['dashboard', '/console/', 'user-menu'],
      ['management', '/console/management?tenant=default', `row-${instanceId}`],
      ['instance', `/console/instances/${instanceId}`, 'instance-state'],
      ['run-instance', '/console/run/instances/run', 'wizard'],
      ['notifications', '/console/notifications', 'user-menu'],
      ['audit', '/console/audit', 'user-menu'],
      ['administration', '/console/administration', 'user-menu'],
    ]);
    assert.deepEqual(found, []);
  });

  test('every control of the log-in page is reached by the keyboard, with a visible focus', async () => {
    const fresh = await browser.newContext({ viewport: wide });
    try {
      const login = await fresh.newPage();
      await login.goto(`${server.url}/console/`);
      await byTestId(login, 'login-form').waitFor();
      assert.deepEqual(await seriousViolations(login, 'log-in'), []);
      const reached: string[] = [];
      for (let press = 0; press < 6; press++) {
        await login.keyboard.press('Tab');
        // Which control has the focus, and whether it shows: its own ring, or a Material field's focused outline.
        const focused = (await login.evaluate(`(() => {
          const element = document.activeElement;
          if (!element) return null;
          const style = getComputedStyle(element);
          const ring = style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
          const field = element.closest('.mat-mdc-form-field');
          const fieldFocused = field ? field.classList.contains('mat-focused') : false;
          // Material draws its strong focus ring on a .mat-focus-indicator element's ::before.
          const host = element.classList.contains('mat-focus-indicator') ? element : element.querySelector('.mat-focus-indicator');
          const indicator = host ? getComputedStyle(host, '::before') : null;
          const strong = indicator !== null && indicator.content !== 'none' && indicator.borderStyle !== 'none' && indicator.borderWidth !== '0px';
          return { id: element.getAttribute('data-testid'), visible: ring || fieldFocused || strong || style.boxShadow !== 'none' };
        })()`)) as { id: string | null; visible: boolean } | null;
        if (focused?.id) {
          reached.push(focused.id);
          assert.ok(focused.visible, `${focused.id} shows where the focus is`);
        }
      }
      for (const id of ['login-user', 'login-password', 'login-submit']) assert.ok(reached.includes(id), `${id} is reached by Tab (${reached.join(', ')})`);
    } finally {
      await fresh.close();
    }
  });

  test('a user without the permission is refused the page, and does not see it in the menu', async () => {
    const other = await browser.newContext({ viewport: wide });
    try {
      const limited = await other.newPage();
      await logIn(limited, server.url, LIMITED.name, LIMITED.password);
      assert.equal(await byTestId(limited, 'nav-administration').count(), 0, 'no Administration in the menu');
      await byTestId(limited, 'nav-instances').waitFor();
      await limited.goto(`${server.url}/console/administration`);
      await byTestId(limited, 'forbidden').waitFor();
      assert.match(await byTestId(limited, 'forbidden-message').innerText(), /ORGANISATION_PAGE/);
    } finally {
      await other.close();
    }
  });

  test('installable: a manifest with its icons, a service worker in normal state, and the shell opening offline', async () => {
    const other = await browser.newContext({ viewport: phone });
    try {
      const phonePage = await other.newPage();
      await logIn(phonePage, server.url, adminName, PASSWORD);
      const manifestHref = await phonePage.locator('link[rel="manifest"]').getAttribute('href');
      const manifest = (await (await fetch(new URL(manifestHref!, `${server.url}/console/`))).json()) as { start_url: string; display: string; icons: { src: string; sizes: string; purpose: string }[] };
      assert.equal(manifest.start_url, '/console/');
      assert.equal(manifest.display, 'standalone');
      for (const size of ['192x192', '512x512']) {
        for (const purpose of ['any', 'maskable']) {
          const icon = manifest.icons.find((i) => i.sizes === size && i.purpose === purpose);
          assert.ok(icon, `a ${purpose} icon of ${size}`);
          const answer = await fetch(new URL(icon.src, `${server.url}/console/`));
          assert.equal(answer.headers.get('content-type'), 'image/png', `${icon.src} is served`);
        }
      }
      await until(async () =>
        assert.equal(await phonePage.evaluate("navigator.serviceWorker.getRegistration().then((r) => (r && r.active ? r.active.state : 'none'))"), 'activated'),
      );
      // Angular's worker reports whether it could cache this version (a hash it cannot match degrades it).
      const state = await other.newPage();
      await state.goto(`${server.url}/console/ngsw/state`);
      await until(async () => assert.match(await state.locator('body').innerText(), /Driver state: NORMAL/));
      await other.setOffline(true);
      await phonePage.reload();
      await byTestId(phonePage, 'login-form').or(byTestId(phonePage, 'user-menu')).first().waitFor();
    } finally {
      await other.close();
    }
  });

  test('log-out ends the session: the console asks to log in, and the old cookie no longer works', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'maestro_session')!;
    await byTestId(page, 'user-menu').click();
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-form').waitFor();
    const answer = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: `maestro_session=${cookie.value}` } });
    assert.equal(answer.status, 401);
    assert.deepEqual(problems, [], 'no uncaught error, CSP refusal or console error on any page');
  });
});
