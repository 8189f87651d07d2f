import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chartServer } from '@platform/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { helm } from '../support/helm.js';
import { deleteNamespace } from '../support/kube.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { assertFitsScreen, launchChromium, screenshot, signUpWithKubeconfig, PageChecks, type LaunchedBrowser } from '../support/browser.js';

/**
 * The console's audit trail page and a release's Audit tab in headless Chromium against the real platform
 * (events reach the store asynchronously). The browser runs in German in Kolkata's time zone (UTC+5:30, no
 * daylight saving), so times shown in the reader's locale differ from their UTC value in a checkable way.
 */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
const namespace = `it-audit-${randomBytes(3).toString('hex')}`;
const checks = new PageChecks();
const locale = 'de-DE';
const timezoneId = 'Asia/Kolkata';

before(async () => {
  const repository = await chartServer('CHART_REPO_URL');
  platform = await startPlatform();
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 }, locale, timezoneId });
  await signUpWithKubeconfig(context, ['admin']);
  // Three operations on one release through the API: an install, an upgrade, and a rollback the platform refuses.
  const target = { namespace, context: 'admin' };
  const installed = await context.request.post('/api/releases', {
    data: { ...target, name: 'audited', chart: { repository, name: 'hello' }, version: '0.1.0', createNamespace: true },
  });
  assert.equal(installed.status(), 201, await installed.text());
  const upgraded = await context.request.post('/api/releases/audited/upgrade', { data: { ...target, values: 'replicaCount: 2\n' } });
  assert.ok(upgraded.ok(), await upgraded.text());
  const refused = await context.request.post('/api/releases/audited/rollback', { data: { ...target, revision: 9 } });
  assert.ok(!refused.ok(), 'a rollback to a revision that does not exist fails');
  page = checks.watch(await context.newPage());
});
after(async () => {
  await helm(['uninstall', 'audited', '-n', namespace]).catch(() => undefined);
  // The shared cluster keeps no namespace of a finished suite.
  await deleteNamespace(namespace).catch(() => undefined);
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');
const eventNames = () => main().locator('table.audit tbody th').allTextContents();
/** A row's cells as the reader sees them, one space apart. */
const rowText = async (index: number) => (await main().locator('table.audit tbody tr').nth(index).innerText()).replace(/\s+/g, ' ').trim();

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

const allEvents = ['release.rolled-back', 'release.upgraded', 'release.installed', 'user.kubeconfig-changed', 'user.signed-up'];

describe('the audit trail in the console', () => {
  checks.test("the user's own events, newest first, in the reader's locale with the UTC time in the tooltip; a filter by event", async () => {
    await page.goto('/releases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL('**/audit');
    await eventually(allEvents);
    await checks.audit('audit');
    await screenshot(page, 'audit');

    const time = main().locator('table.audit tbody tr').first().locator('time');
    const utc = (await time.getAttribute('datetime')) ?? '';
    assert.match(utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(await time.getAttribute('title'), `${utc.slice(0, 10)} ${utc.slice(11, 19)} UTC`);
    assert.equal(await time.textContent(), new Date(utc).toLocaleString(locale, { timeZone: timezoneId }), 'German format, Kolkata time');
    assert.match(await rowText(0), new RegExp(`release\\.rolled-back failure error \\d{3}: .+admin/${namespace}/audited`));

    await page.getByLabel('Event', { exact: true }).selectOption('platform.user.signed-up');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=platform\.user\.signed-up/);
    await eventually(['user.signed-up']);
    assert.match(await rowText(0), /user\.signed-up\s*success/);
  });

  checks.test('release, namespace and context filters kept in the address (with the keyboard); the view survives a reload', async () => {
    await page.goto('/audit');
    await page.getByLabel('Release').fill('audited');
    await page.getByLabel('Namespace').fill(namespace);
    await page.getByLabel('Context').fill('admin');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('release') === 'audited' && url.searchParams.get('namespace') === namespace);
    assert.equal(new URL(page.url()).searchParams.get('context'), 'admin');
    await eventually(['release.rolled-back', 'release.upgraded', 'release.installed']);
    await page.reload();
    await eventually(['release.rolled-back', 'release.upgraded', 'release.installed']);
    assert.equal(await page.getByLabel('Release').inputValue(), 'audited', 'the form shows the address’s filters');
    assert.match(
      await rowText(1),
      new RegExp(`release\\.upgraded success admin/${namespace}/audited: revision 1 → 2, chart 0\\.1\\.0 → 0\\.1\\.0 session \\S+`),
    );

    await page.getByLabel('Namespace').fill('elsewhere');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/namespace=elsewhere/);
    await main().getByText('No event matches these filters.').waitFor();
  });

  checks.test("a time range in the reader's time, kept in UTC in the address", async () => {
    await page.goto('/audit');
    await page.getByLabel('From (your time)').fill('2099-01-01T10:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/from=/);
    assert.equal(new URL(page.url()).searchParams.get('from'), '2099-01-01T04:30:00.000Z', '10:00 in Kolkata');
    await main().getByText('No event matches these filters.').waitFor();
    assert.equal(await page.getByLabel('From (your time)').inputValue(), '2099-01-01T10:00');

    await page.goto(`/audit?to=${encodeURIComponent('2099-01-01T04:30:00.000Z')}&type=platform.release.upgraded`);
    await eventually(['release.upgraded']);
    await page.goto(`/audit?to=${encodeURIComponent('2000-01-01T00:00:00.000Z')}`);
    await main().getByText('No event matches these filters.').waitFor();
  });

  checks.test('older events load below with the cursor, page by page', async () => {
    await page.goto('/audit?limit=2');
    await eventually(allEvents.slice(0, 2));
    assert.equal(await page.getByLabel('Per page').inputValue(), '2');
    await page.getByRole('button', { name: 'Show older events' }).click();
    await main().locator('table.audit tbody tr').nth(3).waitFor();
    assert.deepEqual(await eventNames(), allEvents.slice(0, 4));
    await page.getByRole('button', { name: 'Show older events' }).click();
    await main().locator('table.audit tbody tr').nth(4).waitFor();
    assert.deepEqual(await eventNames(), allEvents);
    await page.getByRole('button', { name: 'Show older events' }).waitFor({ state: 'detached' });

    // More than the API gives in a page (200) is read as the largest page, not refused.
    await page.goto('/audit?limit=500');
    await eventually(allEvents);
    assert.equal(await page.getByLabel('Per page').inputValue(), '200');
    assert.equal(await main().getByRole('alert').count(), 0);
  });

  checks.test('a filter the API refuses is shown in words', async () => {
    await page.goto('/audit?release=Not_A_Release');
    const alert = main().getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'That is not a valid release name.');
    await page.goto('/audit?from=yesterday');
    await main().getByRole('alert').getByText('That is not a valid date and time (2026-12-02T10:00:00Z).').waitFor();
  });

  checks.test("a release's Audit tab: its events newest first, who, revisions, chart versions, outcome and error code", async () => {
    await page.goto(`/releases/admin/${namespace}/audited`);
    const tab = main().getByRole('navigation', { name: 'Release views' }).getByRole('link', { name: 'Audit' });
    await tab.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/tab=audit/);
    await eventually(['rolled-back', 'upgraded', 'installed']);
    const headers = await main().locator('table.audit thead th').allTextContents();
    assert.deepEqual(headers, ['Time', 'Event', 'Revision', 'Chart version', 'Outcome', 'Who']);
    assert.match(await rowText(0), /rolled-back 2 → (2|–) 0\.1\.0 → (0\.1\.0|–) failure error \d{3}: .+ session \S+$/);
    assert.match(await rowText(1), /upgraded 1 → 2 0\.1\.0 → 0\.1\.0 success session \S+$/);
    assert.match(await rowText(2), /installed – → 1 – → 0\.1\.0 success session \S+$/);
    await checks.audit('release audit tab');
    await screenshot(page, 'release-audit');

    await main().getByRole('link', { name: 'All your events of this release on the Audit page' }).click();
    await page.waitForURL((url) => url.pathname === '/audit' && url.searchParams.get('release') === 'audited');
    await eventually(['release.rolled-back', 'release.upgraded', 'release.installed']);
  });

  checks.test('dark theme and phone width: readable, nothing wider than the screen', async () => {
    await page.goto('/audit');
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await eventually(allEvents);
    await checks.audit('audit, dark');
    await screenshot(page, 'audit-dark');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/audit', 'audit-phone-dark'],
      [`/releases/admin/${namespace}/audited?tab=audit`, 'release-audit-phone-dark'],
    ] as const) {
      await page.goto(path);
      await main().locator('table.audit tbody tr').first().waitFor();
      await assertFitsScreen(page, name);
      await checks.audit(name);
      await screenshot(page, name);
    }
    await page.getByRole('button', { name: 'Use light theme' }).click();
    await page.goto('/audit');
    await main().locator('table.audit tbody tr').first().waitFor();
    await assertFitsScreen(page, 'audit-phone');
    await checks.audit('audit, phone');
    await screenshot(page, 'audit-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
