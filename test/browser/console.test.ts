import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { kubeconfigPath } from '@platform/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { helm, helmHistory, writeConfigMapChart } from '../support/helm.js';
import { deleteNamespace } from '../support/kube.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { assertFitsScreen, launchChromium, PageChecks, screenshot, screenshotDir, type LaunchedBrowser } from '../support/browser.js';

/**
 * The web console end to end in headless Chromium, against the real platform and cluster: sign-up, kubeconfig,
 * the releases table, a release's views, upgrade and rollback with their previews, the helm CLI's changes
 * after a reload, errors in words, keyboard use, phone width, dark theme and an axe check of each page.
 */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
let chart: string;
const namespace = `it-console-${randomBytes(3).toString('hex')}`;
const email = `console-${randomBytes(4).toString('hex')}@example.test`;
const password = `pw-${randomBytes(6).toString('hex')}`;
const checks = new PageChecks();

before(async () => {
  platform = await startPlatform();
  chart = await writeConfigMapChart();
  await helm(['install', 'web', chart, '-n', namespace, '--create-namespace', '--set', 'message=first']);
  await helm(['install', 'api', chart, '-n', namespace]);
  await helm(['install', 'db', chart, '-n', namespace]);
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 } });
  page = checks.watch(await context.newPage());
  console.log(`screenshots: ${screenshotDir}`);
});
after(async () => {
  for (const name of ['web', 'api', 'db']) await helm(['uninstall', name, '-n', namespace]).catch(() => undefined);
  // The shared cluster keeps no namespace of a finished suite.
  await deleteNamespace(namespace).catch(() => undefined);
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');

/** Two contexts: one with an inline token, one whose credentials come from a program the platform never runs. */
const kubeconfigWithExecContext = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '- name: prod',
  '  cluster: { server: "https://cluster.example.test:6443" }',
  'users:',
  '- name: alice',
  '  user: { token: sample-token-value-0123456789 }',
  '- name: bob',
  '  user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: aws } }',
  'contexts:',
  '- name: token-ctx',
  '  context: { cluster: prod, user: alice }',
  '- name: exec-ctx',
  '  context: { cluster: prod, user: bob }',
  '',
].join('\n');
const releaseUrl = (name: string, query = '') => `/releases/admin/${namespace}/${name}${query}`;

describe('the gateway serves the console', () => {
  test('the page at / and for console paths, with the strict CSP; /api and non-HTML requests keep their 404s', async () => {
    const root = await fetch(`${platform.gatewayUrl}/`, { headers: { accept: 'text/html' } });
    assert.equal(root.status, 200);
    const html = await root.text();
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[^"]+\.js"><\/script>/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const csp = root.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /script-src-attr 'none'/);
    assert.match(csp, /style-src 'self'(;|$)/, 'no inline style either');
    assert.match(csp, /default-src 'self'/);
    assert.equal(root.headers.get('cache-control'), 'no-cache');

    const deep = await fetch(`${platform.gatewayUrl}/releases/admin/x/y?tab=history`, { headers: { accept: 'text/html,*/*' } });
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    const asset = /src="(\/assets\/[^"]+)"/.exec(html)![1]!;
    const script = await fetch(`${platform.gatewayUrl}${asset}`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);

    const api = await fetch(`${platform.gatewayUrl}/api/nothing-here`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.deepEqual(await api.json(), { code: 602, errors: ['could not find requested object'] });
    const json = await fetch(`${platform.gatewayUrl}/no-such-page`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 404);
  });
});

describe('the console in Chromium', () => {
  checks.test('sign up: a new user lands on the releases page, which asks for a kubeconfig', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await checks.audit('login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await checks.audit('sign up');
    await screenshot(page, 'signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/releases');
    await main().getByText('No context is allowed yet.').waitFor();
  });

  checks.test('kubeconfig: a pasted one shows which contexts the platform cannot use and why', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Kubeconfig' }).click();
    await main().getByText('No kubeconfig is stored yet').waitFor();
    await page.getByLabel('Or paste it').fill(kubeconfigWithExecContext);
    await page.getByRole('button', { name: 'Store kubeconfig' }).click();
    await main().getByText('Kubeconfig stored.').waitFor();
    assert.match(
      (await main()
        .getByRole('row', { name: /exec-ctx/ })
        .textContent()) ?? '',
      /No: user field exec/,
    );
    assert.ok(await page.getByRole('checkbox', { name: 'Allow exec-ctx' }).isDisabled());
    assert.match(
      (await main()
        .getByRole('row', { name: /token-ctx/ })
        .textContent()) ?? '',
      /Yes/,
    );
    await checks.audit('kubeconfig, unusable context');
  });

  checks.test("kubeconfig: upload the cluster's file, see its contexts, allow two", async () => {
    await page.getByLabel('Upload a file').setInputFiles(await kubeconfigPath());
    await page.getByRole('button', { name: 'Store kubeconfig' }).click();
    await main().getByText('Kubeconfig stored.').waitFor();
    const rows = main().getByRole('table').getByRole('row');
    assert.deepEqual(await main().getByRole('table').locator('tbody th').allTextContents(), ['admin', 'limited']);
    assert.equal(await rows.count(), 3);
    await page.getByRole('checkbox', { name: 'Allow admin' }).check();
    await page.getByRole('checkbox', { name: 'Allow limited' }).check();
    await page.getByRole('button', { name: 'Save allowed contexts' }).click();
    await main().getByText('Allowed contexts saved.').waitFor();
    await checks.audit('kubeconfig');
    await screenshot(page, 'kubeconfig');
  });

  checks.test('releases: filtered by namespace, with health; sorted; paged; status filter', async () => {
    await page.goto(`/releases?context=admin&namespace=${namespace}`);
    const names = () => main().locator('table.releases tbody th').allTextContents();
    await main().getByRole('link', { name: 'web' }).waitFor();
    assert.deepEqual(await names(), ['api', 'db', 'web']);
    await main().locator('table.releases tbody tr').first().getByText('Healthy').waitFor();
    await checks.audit('releases');
    await screenshot(page, 'releases');

    await page.getByLabel('Sort by').selectOption('date');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/sort=date/);
    await main().locator('table.releases tbody tr').first().getByRole('link', { name: 'web' }).waitFor();
    assert.deepEqual(await names(), ['web', 'api', 'db'], 'oldest first');

    await page.goto(`/releases?namespace=${namespace}&size=2`);
    await main().getByRole('link', { name: 'db' }).waitFor();
    assert.deepEqual(await names(), ['api', 'db'], 'all allowed contexts: admin sees them, limited sees none in this namespace');
    await page.getByRole('button', { name: 'Next' }).click();
    await main().getByRole('link', { name: 'web' }).waitFor();
    assert.deepEqual(await names(), ['web']);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());

    await page.goto(`/releases?context=admin&namespace=${namespace}&status=failed`);
    await main().getByText('No release matches these filters.').waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'failed' }).isChecked());

    // Filters typed while the list is still loading (held back a second here) survive its arrival.
    const listCall = /\/api\/releases\?/;
    await page.route(listCall, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    try {
      await page.goto('/releases?context=admin');
      await page.getByLabel('Namespace').fill(namespace);
      await page.getByLabel('Sort by').selectOption('date');
      await main().locator('table.releases').waitFor();
      assert.equal(await page.getByLabel('Namespace').inputValue(), namespace, 'the typed namespace is kept');
      assert.equal(await page.getByLabel('Sort by').inputValue(), 'date');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.pathname === '/releases' && url.search === `?context=admin&namespace=${namespace}&sort=date`);
      await main().locator('table.releases tbody tr').first().getByRole('link', { name: 'web' }).waitFor();
    } finally {
      await page.unroute(listCall);
    }
  });

  checks.test('a release: overview with the health of its objects, then an upgrade previewed and applied', async () => {
    await page.goto(`/releases?context=admin&namespace=${namespace}`);
    await main().getByRole('link', { name: 'web' }).click();
    await page.waitForURL(`**${releaseUrl('web')}`);
    await main()
      .getByRole('cell', { name: 'web-greeting' })
      .or(main().getByRole('rowheader', { name: 'web-greeting' }))
      .waitFor();
    await main().getByText('Release health:').getByText('Healthy').waitFor();
    await checks.audit('release overview');
    await screenshot(page, 'release');

    await main().getByRole('navigation', { name: 'Release views' }).getByRole('link', { name: 'Upgrade' }).click();
    const editor = page.getByLabel('Values (YAML)');
    await editor.waitFor();
    assert.equal((await editor.inputValue()).trim(), 'message: first');
    await editor.fill('message: [unclosed');
    await main()
      .getByText(/Not valid YAML/)
      .waitFor();
    assert.ok(await page.getByRole('button', { name: 'Preview upgrade' }).isDisabled());
    await editor.fill('message: from-browser\n');
    await page.getByRole('button', { name: 'Preview upgrade' }).click();
    const plan = main().getByRole('region', { name: /Preview of the upgrade/ });
    await plan.waitFor();
    await plan.getByText('1 changed').waitFor();
    assert.match((await plan.locator('pre.diff').first().textContent()) ?? '', /\+\s+message: from-browser/);
    assert.equal(JSON.parse(await helm(['get', 'values', 'web', '-n', namespace, '-o', 'json'])).message, 'first', 'a preview changes nothing');
    await checks.audit('upgrade preview');
    await screenshot(page, 'upgrade-preview');

    await plan.getByRole('button', { name: 'Apply this upgrade' }).click();
    await main().getByText('Upgraded: revision 2 is deployed.').waitFor();
    assert.equal(JSON.parse(await helm(['get', 'values', 'web', '-n', namespace, '-o', 'json'])).message, 'from-browser');
  });

  checks.test('history, the views of a revision, and the diff between two', async () => {
    await page.goto(releaseUrl('web', '?tab=history'));
    await main().getByRole('link', { name: 'View revision 1' }).waitFor();
    await checks.audit('history');
    await screenshot(page, 'history');
    await main().getByRole('link', { name: 'View revision 1' }).click();
    await main().getByRole('heading', { name: 'Revision 1' }).waitFor();
    assert.match((await main().locator('pre.code').textContent()) ?? '', /message: first/);
    await checks.audit('revision values');
    await main().getByRole('link', { name: 'Manifest' }).click();
    await main().locator('pre.code', { hasText: 'kind: ConfigMap' }).waitFor();
    await main().getByRole('link', { name: 'Notes' }).click();
    await main().getByText('This chart has no notes.').waitFor();
    await main().getByRole('link', { name: 'Computed values' }).click();
    await main().locator('pre.code', { hasText: 'replicas: 1' }).waitFor();

    await page.goto(releaseUrl('web', '?tab=history'));
    await main().getByRole('link', { name: 'Compare revision 1 with 2' }).click();
    await main().getByRole('heading', { name: 'Diff between revisions 1 and 2' }).waitFor();
    await main().getByText('1 changed').waitFor();
    assert.match((await main().locator('pre.diff').first().textContent()) ?? '', /-\s+message: first[\s\S]*\+\s+message: from-browser/);
    await checks.audit('diff');
    await screenshot(page, 'diff');
  });

  checks.test('rollback to a chosen revision, previewed then applied; the CLI agrees', async () => {
    await page.goto(releaseUrl('web', '?tab=history'));
    await main().getByRole('link', { name: 'Roll back to revision 1' }).click();
    assert.equal(await page.getByLabel('Roll back to revision').inputValue(), '1');
    await page.getByRole('button', { name: 'Preview rollback' }).click();
    const plan = main().getByRole('region', { name: /Preview of the rollback/ });
    await plan.waitFor();
    assert.match((await plan.locator('pre.diff').first().textContent()) ?? '', /\+\s+message: first/);
    await checks.audit('rollback preview');
    await screenshot(page, 'rollback-preview');
    await plan.getByRole('button', { name: 'Apply this rollback' }).click();
    await main().getByText('Rolled back to revision 1: revision 3 is deployed.').waitFor();
    const history = await helmHistory('web', namespace);
    assert.deepEqual(
      history.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );
    assert.equal(history[2]!.description, 'Rollback to 1');
  });

  checks.test('a helm CLI upgrade shows after a reload; a plan made before it is refused in words', async () => {
    await page.goto(releaseUrl('web', '?tab=upgrade'));
    await page.getByLabel('Values (YAML)').fill('message: stale-plan\n');
    await page.getByRole('button', { name: 'Preview upgrade' }).click();
    await main()
      .getByRole('region', { name: /Preview of the upgrade/ })
      .waitFor();
    await helm(['upgrade', 'web', chart, '-n', namespace, '--set', 'message=from-cli']);
    await page.getByRole('button', { name: 'Apply this upgrade' }).click();
    const refusal = main().getByRole('alert');
    await refusal.waitFor();
    assert.equal(await refusal.textContent(), 'The release changed since this preview was made. Preview again, then apply.');
    assert.equal(JSON.parse(await helm(['get', 'values', 'web', '-n', namespace, '-o', 'json'])).message, 'from-cli');

    await page.goto(releaseUrl('web', '?tab=revision'));
    await main().getByRole('heading', { name: 'Revision 4' }).waitFor();
    assert.match((await main().locator('pre.code').textContent()) ?? '', /message: from-cli/);
    assert.match((await main().locator('.release-facts').textContent()) ?? '', /revision 4/);

    // Another CLI upgrade while the page is open: it shows once the page is reloaded.
    await helm(['upgrade', 'web', chart, '-n', namespace, '--set', 'message=again-from-cli']);
    assert.match((await main().locator('.release-facts').textContent()) ?? '', /revision 4/, 'the open page keeps what it loaded');
    await page.reload();
    await main().getByRole('heading', { name: 'Revision 5' }).waitFor();
    assert.match((await main().locator('pre.code').textContent()) ?? '', /message: again-from-cli/);
    assert.match((await main().locator('.release-facts').textContent()) ?? '', /revision 5/);
  });

  checks.test('an upgrade previewed with the keyboard alone: Tab indents in the editor, Escape then Tab leaves it', async () => {
    await page.goto(releaseUrl('web', '?tab=upgrade'));
    const editor = page.getByLabel('Values (YAML)');
    await editor.fill('message: again-from-cli\nextra:\n');
    await editor.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Tab');
    await page.keyboard.type('nested: by-keyboard');
    assert.equal(await editor.inputValue(), 'message: again-from-cli\nextra:\n  nested: by-keyboard');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Preview upgrade', 'the keyboard leaves the editor');
    await page.keyboard.press('Enter');
    const plan = main().getByRole('region', { name: /Preview of the upgrade/ });
    await plan.waitFor();
    assert.match((await plan.textContent()) ?? '', /\+\s*extra:\s*\+\s+nested: by-keyboard/);
    await plan.getByRole('button', { name: 'Discard preview' }).click();
    await plan.waitFor({ state: 'detached' });
    assert.deepEqual(
      JSON.parse(await helm(['get', 'values', 'web', '-n', namespace, '-o', 'json'])),
      { message: 'again-from-cli' },
      'a preview changes nothing',
    );
  });

  checks.test('dark theme and phone width: readable, nothing wider than the screen', async () => {
    await page.goto(releaseUrl('web'));
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await main().getByText('Release health:').waitFor();
    await checks.audit('release overview, dark');
    await screenshot(page, 'release-dark');
    for (const [path, ready, name] of [
      ['/kubeconfig', 'table', 'kubeconfig-dark'],
      [`/releases?context=admin&namespace=${namespace}`, 'table.releases', 'releases-dark'],
      [releaseUrl('web', '?tab=history'), 'table', 'history-dark'],
      [releaseUrl('web', '?tab=upgrade'), 'textarea', 'upgrade-dark'],
    ] as const) {
      await page.goto(path);
      await main().locator(ready).first().waitFor();
      await checks.audit(name);
      await screenshot(page, name);
    }

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, ready, name] of [
      [`/releases?context=admin&namespace=${namespace}`, 'table.releases', 'releases-phone'],
      [releaseUrl('web', '?tab=diff'), '.diff-view', 'diff-phone'],
      ['/kubeconfig', 'table', 'kubeconfig-phone'],
      [releaseUrl('web'), 'table', 'release-phone'],
      [releaseUrl('web', '?tab=history'), 'table', 'history-phone'],
      [releaseUrl('web', '?tab=revision&view=manifest'), 'pre.code', 'manifest-phone'],
      [releaseUrl('web', '?tab=upgrade'), 'textarea', 'upgrade-phone'],
    ] as const) {
      await page.goto(path);
      await main().locator(ready).first().waitFor();
      await assertFitsScreen(page, name);
      await checks.audit(name);
      await screenshot(page, name);
    }
    // The releases table is wider than a phone: its box takes the keyboard's focus and scrolls with the arrows.
    await page.goto(`/releases?context=admin&namespace=${namespace}`);
    const box = main().getByRole('region', { name: 'Releases' });
    await box.locator('table').waitFor();
    await box.focus();
    await page.keyboard.press('ArrowRight');
    // Polled with evaluate: waitForFunction's string would be eval'd in the page, which the CSP refuses.
    const scrolledBy = async () => (await page.evaluate(`document.querySelector('main .table-scroll').scrollLeft`)) as number;
    for (let polls = 0; polls < 50 && (await scrolledBy()) === 0; polls++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok((await scrolledBy()) > 0, 'ArrowRight scrolls the focused table box');
    await page.getByRole('button', { name: 'Use light theme' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  checks.test('uninstall, confirmed by typing the name; the CLI no longer lists it', async () => {
    await page.goto(releaseUrl('db', '?tab=uninstall'));
    const button = page.getByRole('button', { name: 'Uninstall db' });
    assert.ok(await button.isDisabled());
    await page.getByLabel('Type the release name, db, to confirm').fill('db');
    await button.click();
    await main().getByText('db is uninstalled.').waitFor();
    assert.deepEqual((JSON.parse(await helm(['list', '-n', namespace, '-o', 'json'])) as Array<{ name: string }>).map((entry) => entry.name).sort(), [
      'api',
      'web',
    ]);
    await checks.audit('uninstall');
  });

  checks.test('log out, a wrong password in words, then log in with the keyboard alone', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/releases');
    await page.waitForURL('**/login');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.equal(await main().getByRole('alert').textContent(), 'The password is incorrect.');

    await page.goto('/login');
    // Tab only once the form is there: presses sent while the page still renders land elsewhere.
    await page.getByLabel('Email').waitFor();
    for (let presses = 0; presses < 20 && (await page.evaluate('document.activeElement?.id')) !== 'email'; presses++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'email', 'the keyboard reaches the email field');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/releases');
    await main().getByRole('heading', { name: 'Releases' }).waitFor();
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
