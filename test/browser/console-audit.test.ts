import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startPlatform, type Platform } from '../support/platform.js';
import { launchChromium, signUpWithKubeconfig, PageChecks, type LaunchedBrowser } from '../support/browser.js';

/** The console's audit trail page in headless Chromium against the real platform (events reach the store asynchronously). */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
const checks = new PageChecks();

before(async () => {
  platform = await startPlatform();
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 } });
  await signUpWithKubeconfig(context, ['admin']);
  page = checks.watch(await context.newPage());
});
after(async () => {
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');
const eventNames = () => main().locator('table.audit tbody th').allTextContents();

/** Reloads until the page lists `expected` (the store consumes the event stream on its own time), at most 15 s. */
async function eventually(expected: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await main().locator('table.audit').waitFor();
    const shown = await eventNames();
    if (JSON.stringify(shown) === JSON.stringify(expected) || Date.now() > deadline) return assert.deepEqual(shown, expected);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload();
  }
}

describe('the audit trail in the console', () => {
  checks.test("the user's own events, newest first, and a filter by event", async () => {
    await page.goto('/releases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL('**/audit');
    await eventually(['user.kubeconfig-changed', 'user.signed-up']);
    await checks.audit('audit');

    await page.getByLabel('Event').selectOption('platform.user.signed-up');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=platform\.user\.signed-up/);
    await eventually(['user.signed-up']);
    assert.match((await main().locator('table.audit tbody tr').first().textContent()) ?? '', /user\.signed-up\s*success/);
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
