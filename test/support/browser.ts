import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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
