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
 * The console's chart repositories page in headless Chromium against the real platform and the shared chart
 * repository (chart `hello` at 0.1.0 and 0.2.0): add one under a name, install from it by that name on the
 * install page, search the charts of every repository and open the install page from a result, remove it.
 */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
let repositoryUrl: string;
const namespace = `it-repos-${randomBytes(3).toString('hex')}`;
const checks = new PageChecks();

before(async () => {
  repositoryUrl = await chartServer('CHART_REPO_URL');
  platform = await startPlatform();
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 } });
  await signUpWithKubeconfig(context, ['admin']);
  page = checks.watch(await context.newPage());
});
after(async () => {
  await helm(['uninstall', 'named', '-n', namespace]).catch(() => undefined);
  // The shared cluster keeps no namespace of a finished suite.
  await deleteNamespace(namespace).catch(() => undefined);
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');

describe('chart repositories in the console', () => {
  checks.test('add a repository under a name; a second of the same name is refused in words', async () => {
    await page.goto('/releases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).click();
    await main().getByText('No repository yet.').waitFor();
    await page.getByLabel('Repository name').fill('local');
    await page.getByLabel('URL (https://… or oci://…)').fill(repositoryUrl);
    await page.getByRole('button', { name: 'Add repository' }).click();
    await main().getByText('Repository local is added.').waitFor();
    assert.match((await main().getByRole('row', { name: /local/ }).textContent()) ?? '', new RegExp(`local${repositoryUrl.replace(/[.]/g, '\\.')}none`));
    await checks.audit('repositories');

    await page.getByLabel('Repository name').fill('local');
    await page.getByLabel('URL (https://… or oci://…)').fill(repositoryUrl);
    await page.getByRole('button', { name: 'Add repository' }).click();
    assert.equal(await main().getByRole('alert').textContent(), 'Repository name local is taken: remove that repository first, or choose another name.');
  });

  checks.test('install from the repository by its name; the helm CLI sees the release', async () => {
    await page.goto('/install');
    await page.getByLabel('Repository URL, or the name of one of your repositories').fill('local');
    await page.getByLabel('Chart name').fill('hello');
    await page.getByRole('button', { name: 'Load chart' }).click();
    await main().getByText('hello 0.2.0').waitFor();
    await page.getByLabel('Release name').fill('named');
    await page.getByLabel('Namespace', { exact: true }).fill(namespace);
    await page.getByLabel('Create the namespace if it does not exist').check();
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await main().getByText(`Installed named (revision 1, hello-0.2.0) in ${namespace}.`).waitFor();
    const listed = JSON.parse(await helm(['list', '-n', namespace, '-o', 'json'])) as Array<{ name: string; chart: string }>;
    assert.deepEqual(
      listed.map(({ name, chart }) => `${name} ${chart}`),
      ['named hello-0.2.0'],
    );
  });

  checks.test('search every repository: versions, an unreadable repository listed apart, Install opens the install page with the chart chosen', async () => {
    // Nothing listens on the discard port: the search reads this repository and fails, and says so apart.
    const added = await context.request.post('/api/repositories', { data: { name: 'gone', url: 'http://127.0.0.1:9/charts' } });
    assert.equal(added.status(), 201, await added.text());
    await page.goto('/repositories');
    await page.getByLabel('Chart name or words of its description').fill('hello');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/repositories\?q=hello$/);
    const row = main().getByRole('row', { name: /hello/ });
    await row.waitFor();
    assert.match(
      (await row.innerText()).replace(/\s+/g, ' '),
      /^local hello — The chart the local chart repository .+ 0\.2\.0 \(app 1\.0\) Version of hello in local 0\.2\.0 0\.1\.0 2 versions Install$/,
    );
    assert.deepEqual(await page.getByLabel('Version of hello in local').locator('option').allTextContents(), ['0.2.0', '0.1.0']);
    const unavailable = main().locator('ul.unavailable li');
    assert.equal(await unavailable.count(), 1);
    const reason = await unavailable.innerText();
    assert.match(reason, /^gone: [A-Z].+\.$/, 'a sentence');
    assert.doesNotMatch(reason, /[{}"]/, 'never JSON');
    await checks.audit('chart search');
    await screenshot(page, 'chart-search');

    await page.reload();
    await row.waitFor();
    assert.equal(await page.getByLabel('Chart name or words of its description').inputValue(), 'hello', 'the address keeps the search');
    await page.getByLabel('Version of hello in local').selectOption('0.1.0');
    await main().getByRole('link', { name: 'Install hello 0.1.0 from local' }).click();
    await page.waitForURL((url) => url.pathname === '/install' && url.search === '?repository=local&chart=hello&version=0.1.0');
    await main().getByText('hello 0.1.0').waitFor();
    assert.equal(await page.getByLabel('Repository URL, or the name of one of your repositories').inputValue(), 'local');
    assert.equal(await page.getByLabel('Chart name').inputValue(), 'hello');
    assert.equal(await page.getByLabel('Version', { exact: true }).inputValue(), '0.1.0');
    assert.equal(await page.getByLabel('Release name').inputValue(), 'hello');
    await checks.audit('install, chart chosen by a search');
    await screenshot(page, 'install-from-search');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Install' }).click();
    await page.waitForURL((url) => url.pathname === '/install' && url.search === '');
    assert.equal(await page.getByLabel('Chart name').inputValue(), '', 'the Install page without a chart in its address starts blank');
    assert.equal(await main().getByRole('heading', { name: 'Chart version' }).count(), 0);

    await page.goto('/repositories?q=no-chart-is-called-this');
    await main().getByText('No chart matches “no-chart-is-called-this”.').waitFor();
    await page.goto(`/repositories?q=${'x'.repeat(251)}`);
    assert.equal(await main().getByRole('alert').textContent(), 'A value is too long.');

    // Removing the unreadable repository on the page searches again: nothing is unavailable any more.
    await page.goto('/repositories?q=hello');
    await unavailable.first().waitFor();
    await page.getByRole('button', { name: 'Remove gone…' }).click();
    await page.getByRole('button', { name: 'Remove gone now' }).click();
    await main().getByText('Repository gone is removed, with its credentials.').waitFor();
    await unavailable.first().waitFor({ state: 'detached' });
    await row.waitFor();
  });

  checks.test('the search in dark and at phone width: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/repositories?q=hello');
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    await main().getByRole('row', { name: /hello/ }).waitFor();
    await assertFitsScreen(page, 'the search');
    const install = await main().getByRole('link', { name: 'Install hello 0.2.0 from local' }).boundingBox();
    assert.ok(install && install.x + install.width <= 390, `the Install link is on the screen without scrolling the table (${JSON.stringify(install)})`);
    await checks.audit('chart search, phone, dark');
    await screenshot(page, 'chart-search-phone-dark');
    await page.getByRole('button', { name: 'Use light theme' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  checks.test('remove after a confirmation naming it', async () => {
    await page.goto('/repositories');
    await page.getByRole('button', { name: 'Remove local…' }).click();
    await page.getByRole('button', { name: 'Remove local now' }).click();
    await main().getByText('Repository local is removed, with its credentials.').waitFor();
    await main().getByText('No repository yet.').waitFor();
    const reply = await context.request.get('/api/repositories');
    assert.deepEqual(await reply.json(), []);
  });

  checks.test('with the users service down, the search says so in words instead of searching forever', async () => {
    await page.goto('/releases');
    await main().getByRole('heading', { name: 'Releases' }).waitFor();
    await platform.stopService('users');
    try {
      // Within the page (no reload): the console keeps its session while the repository list fails to load.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).click();
      await page.getByLabel('Chart name or words of its description').fill('hello');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/repositories\?q=hello$/);
      const alerts = main().getByRole('alert');
      await alerts.nth(1).waitFor();
      assert.deepEqual(await alerts.allTextContents(), [
        'Part of the platform is unavailable right now. Try again in a moment.',
        'Part of the platform is unavailable right now. Try again in a moment.',
      ]);
      assert.equal(await main().getByText('Searching your repositories…').count(), 0);
    } finally {
      await platform.startService('users');
    }
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
