import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { kubeconfigPath } from '@platform/test-support';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './readme-config.js';

/**
 * Debian's Chromium (apt-get install chromium), driven by playwright-core, which never downloads a browser.
 * CHROMIUM_BIN overrides the path. The flags keep Chromium off the network it would otherwise call home to;
 * playwright gives each launch a fresh profile of its own and removes it on close.
 */
export const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_BIN)`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Where the suite saves its screenshots (git-ignored; the README shows copies under docs/console/). */
export const screenshotDir = join(repoRoot, 'test/browser/screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Fails when the page is wider than its window (a phone-width screen must never scroll sideways), or when a
 * box inside it scrolls sideways but the keyboard cannot reach it (not focusable, or focusable without a name).
 */
export async function assertFitsScreen(page: Page, name: string): Promise<void> {
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
  if (overflow > 0) throw new Error(`${name} is ${overflow}px wider than the screen`);
  // A string, evaluated in the page: the test code has no DOM types of its own.
  const unreachable = (await page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((box) => box.scrollWidth > box.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX))
    .filter((box) => box.tabIndex < 0 || !(box.matches('input, select, textarea') || box.hasAttribute('aria-label') || box.hasAttribute('aria-labelledby')))
    .map((box) => box.tagName.toLowerCase() + (box.className ? '.' + String(box.className).split(' ').join('.') : ''))`)) as string[];
  if (unreachable.length > 0) throw new Error(`${name}: boxes scroll sideways that the keyboard cannot reach: ${unreachable.join(', ')}`);
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it stands. axe is evaluated through the debugging protocol,
 * not a script tag: the console's CSP refuses inline scripts, and must keep refusing them under test.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: the test code has no DOM types of its own.
  const violations = await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) })))`);
  return violations as AxeViolation[];
}

/** Serious and critical violations, as `rule: help (targets)` lines. */
export function seriousOf(violations: AxeViolation[]): string[] {
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

/**
 * What a browser suite checks of every page it drives: CSP refusals and uncaught errors (each must stay
 * empty), axe's serious findings per audited view, and a failed test's page saved as `failed-*.png`.
 * Tests are declared before the page exists (in before()), so the page is handed in by watch().
 */
export class PageChecks {
  readonly problems: string[] = [];
  readonly seriousViolations: string[] = [];
  private page: Page | null = null;

  watch(page: Page): Page {
    this.page = page;
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.problems.push(message.text());
    });
    page.on('pageerror', (error) => this.problems.push(error.message));
    return page;
  }

  async audit(label: string): Promise<void> {
    for (const line of seriousOf(await axeViolations(this.page!))) this.seriousViolations.push(`${label}: ${line}`);
  }

  test(name: string, body: () => Promise<void>): void {
    test(name, async () => {
      try {
        await body();
      } catch (error) {
        if (this.page) await screenshot(this.page, `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      }
    });
  }
}

/** Signs up a fresh user through the context's request client (which shares the pages' cookies) and stores the test cluster's kubeconfig. */
export async function signUpWithKubeconfig(context: BrowserContext, allowedContexts: string[]): Promise<void> {
  const signedUp = await context.request.post('/api/users', {
    data: { email: `browser-${randomBytes(4).toString('hex')}@example.test`, password: 'pw-browser-1' },
  });
  if (signedUp.status() !== 201) throw new Error(`sign-up failed: ${signedUp.status()} ${await signedUp.text()}`);
  const { id } = (await signedUp.json()) as { id: number };
  const stored = await context.request.put(`/api/users/${id}`, { data: { rawKubeConfig: await readFile(await kubeconfigPath(), 'utf8'), allowedContexts } });
  if (stored.status() !== 204) throw new Error(`storing the kubeconfig failed: ${stored.status()} ${await stored.text()}`);
}
