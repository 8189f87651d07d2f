import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chartServer } from '@platform/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { helm } from '../support/helm.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { launchChromium, signUpWithKubeconfig, PageChecks, type LaunchedBrowser } from '../support/browser.js';

/**
 * The console's chart repositories page in headless Chromium against the real platform and the shared chart
 * repository: add one under a name, install from it by that name on the install page, remove it.
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

  checks.test('remove after a confirmation naming it', async () => {
    await page.goto('/repositories');
    await page.getByRole('button', { name: 'Remove local…' }).click();
    await page.getByRole('button', { name: 'Remove local now' }).click();
    await main().getByText('Repository local is removed, with its credentials.').waitFor();
    await main().getByText('No repository yet.').waitFor();
    const reply = await context.request.get('/api/repositories');
    assert.deepEqual(await reply.json(), []);
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
