// 21. The web console as a new user meets it: a browser with a cold cache opens /console/ until
// the log-in form can be used, then logs in until the first page shows, A B B A against a bare
// page (one HTML file and one script from a bare node:http server) opened the same way; the log-in
// starts once the service worker has installed, as it has while a person types. Also the
// initial JavaScript the browser must fetch, gzipped, as the budget counts it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { browserTestsUnavailable, consoleBuildDir, launchChromium } from '../test/support/browser.js';
import { startBenchServer } from './support/compute.js';
import type { Flavour } from './support/databases.js';
import { median, type Figure } from './support/report.js';

const ROUNDS = 4;
const PASSWORD = 'bench-console-password';

/**
 * What the browser must fetch before the app runs: the scripts and styles index.html names, and
 * every chunk those scripts import statically (not the lazy `import()` of a page), as Angular's
 * "initial total" counts them.
 */
export function initialAssets(buildDir: string): { file: string; raw: number; gzip: number }[] {
  const html = readFileSync(path.join(buildDir, 'index.html'), 'utf8');
  const pending = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref)="([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  const seen = new Map<string, { file: string; raw: number; gzip: number }>();
  while (pending.length > 0) {
    const file = pending.pop()!.replace(/^(\.\/|\/console\/)/, '');
    if (seen.has(file)) continue;
    const bytes = readFileSync(path.join(buildDir, file));
    seen.set(file, { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    if (file.endsWith('.js')) {
      // Static imports only: `import … from "./x.js"` and `import "./x.js"`, never `import("./x.js")`.
      for (const match of bytes.toString('utf8').matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g)) pending.push(match[1]!);
    }
  }
  return [...seen.values()];
}

/** The floor: an HTML page and a script it runs to show one form, from a bare server. */
async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const page =
    '<!doctype html><html lang="en"><head><title>bare</title><script src="/app.js" defer></script></head><body></body></html>';
  const script = "document.body.innerHTML = '<form data-testid=\"bare-form\"><label>User <input name=\"user\"></label></form>';";
  const server = http.createServer((request, response) => {
    const isScript = request.url === '/app.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html', 'cache-control': 'no-cache' });
    response.end(isScript ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Milliseconds from navigation until the selector is visible, in a new context (a cold cache). */
async function timeUntilVisible(browser: Browser, url: string, selector: string, then?: (ms: number, page: import('playwright-core').Page) => Promise<void>): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url);
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
    const ms = performance.now() - started;
    await then?.(ms, page);
    return ms;
  } finally {
    await context.close();
  }
}

export async function consoleLoad(_flavours: readonly Flavour[]): Promise<Figure[]> {
  const unavailable = browserTestsUnavailable();
  if (unavailable) throw new Error(`console-load cannot run: ${unavailable}`);
  const figures: Figure[] = [];
  const assets = initialAssets(consoleBuildDir);
  const gzip = assets.reduce((sum, asset) => sum + asset.gzip, 0);
  figures.push({
    benchmark: 'console-load',
    name: 'initial JavaScript and CSS of the console, gzipped',
    value: Math.round(gzip / 1024),
    unit: 'kB',
    target: { kind: 'at-most', value: 300 },
    details: { assets },
  });

  const server = await startBenchServer('pglite', { defaultSimulatedRegion: true });
  const bare = await bareServer();
  const browser = await launchChromium();
  try {
    const admin = await server.client.users.whoami({});
    await server.client.users.setPassword({ name: admin.name, password: PASSWORD });
    const consoleUrl = new URL('/console/', server.maestro.url).toString();
    const logins: number[] = [];
    const openConsole = () =>
      timeUntilVisible(browser, consoleUrl, '[data-testid="login-form"]', async (_ms, page) => {
        // While a person types, the service worker installs (it fetches the whole app shell for
        // offline use); a script that logs in at once would time the log-in against that download.
        await page.waitForFunction('navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active))', undefined, { timeout: 60_000 });
        const started = performance.now();
        await page.locator('[data-testid="login-user"]').fill(admin.name);
        await page.locator('[data-testid="login-password"]').fill(PASSWORD);
        await page.locator('[data-testid="login-submit"]').click();
        await page.locator('[data-testid="user-menu"]').first().waitFor({ state: 'visible', timeout: 30_000 });
        logins.push(performance.now() - started);
      });
    const openBare = () => timeUntilVisible(browser, bare.url, '[data-testid="bare-form"]');
    // One of each first, unmeasured: chromium's own first start is not what a user's page load pays.
    await openBare();
    await openConsole();
    logins.length = 0;
    const samples = { console: [] as number[], bare: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      samples.bare.push(await openBare());
      samples.console.push(await openConsole());
      samples.console.push(await openConsole());
      samples.bare.push(await openBare());
    }
    const rounded = (values: number[]) => values.map((v) => Math.round(v));
    figures.push({
      benchmark: 'console-load',
      name: 'cold cache: /console/ until the log-in form is usable',
      value: median(samples.console),
      unit: 'ms',
      baseline: { name: 'bare HTML + script from node:http', value: median(samples.bare) },
      target: { kind: 'at-most', value: 2000 },
      details: { samples: rounded(samples.console), baselineSamples: rounded(samples.bare) },
    });
    figures.push({
      benchmark: 'console-load',
      name: 'log-in until the first page shows',
      value: median(logins),
      unit: 'ms',
      target: { kind: 'at-most', value: 2000 },
      details: { samples: rounded(logins) },
    });
  } finally {
    await browser.close();
    await bare.close();
    await server.close();
  }
  return figures;
}
