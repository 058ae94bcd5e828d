import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PATIENCE_MS } from './eventually.js';

/** Where the browser tests keep their screenshots (docs/console.md names it; gitignored). */
export const screenshotDir = path.resolve('test-artifacts/console');

/** The console's production build the server serves; `npm run console:build` makes it. */
export const consoleBuildDir = path.resolve('console/dist/console/browser');

/** Debian's chromium, found on PATH: the tests never download a browser. */
export function chromiumPath(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this name
    }
  }
  return undefined;
}

/**
 * Why the browser tests cannot run here, or undefined when they can. In CI they must run: the
 * caller fails instead of skipping.
 */
export function browserTestsUnavailable(): string | undefined {
  if (!chromiumPath()) return 'chromium is not on PATH (apt-get install chromium)';
  if (!existsSync(path.join(consoleBuildDir, 'index.html'))) return 'the console is not built (npm run console:build)';
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not on PATH (apt-get install chromium)');
  // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * Collects what must never happen on a page: a Content-Security-Policy refusal (an inline
 * script or style the policy blocks means a broken page in production), an uncaught exception,
 * an error logged to the console by the app.
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // A refused log-in or a 401 before log-in is the app working, not a fault.
    if (/status of (401|403|429)/.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  return problems;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now. The script is evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy does not apply to, so the policy
 * under test stays strict.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this file is type-checked without the DOM's types.
  return page.evaluate(`(async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
    }));
  })()`) as Promise<AccessibilityViolation[]>;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Whether the page scrolls sideways: a layout that does not hold at this width. */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1') as Promise<boolean>;
}

/** The two widths the console must hold: a small phone and a desktop. */
export const viewports = { phone: { width: 360, height: 740 }, wide: { width: 1440, height: 900 } } as const;

export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/**
 * Retries a check that asserts until it passes, then returns its value; past the patience for a
 * loaded machine, the last failure says why not. Pages change as the server's events arrive:
 * what a test waits for is a state, never an amount of time.
 */
export async function until<T>(check: () => Promise<T>, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Logs in through the log-in form and waits for the console's shell. */
export async function logInThroughForm(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await byTestId(page, 'login-form').waitFor();
  await byTestId(page, 'login-user').fill(user);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'user-menu').waitFor();
}

/** The serious and critical axe-core findings on the page as it is now, one line each. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  return (await accessibilityViolations(page))
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${where}: ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
}

/**
 * Opens each page at both widths, keeps a screenshot of each, and returns what does not hold:
 * a page that scrolls sideways, a serious accessibility finding. `ready` is the test id that
 * shows the page has drawn what it reads.
 */
export async function layoutProblems(page: Page, url: string, pages: readonly (readonly [name: string, path: string, ready: string])[]): Promise<string[]> {
  const found: string[] = [];
  for (const [name, path, ready] of pages) {
    for (const [size, viewport] of [['1440', viewports.wide], ['360', viewports.phone]] as const) {
      await page.setViewportSize(viewport);
      await page.goto(`${url}${path}`);
      await byTestId(page, ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, `${name}-${size}`);
      if (await overflowsHorizontally(page)) found.push(`${name} scrolls sideways at ${size} px`);
      found.push(...(await seriousViolations(page, `${name} at ${size} px`)));
    }
  }
  await page.setViewportSize(viewports.wide);
  return found;
}
