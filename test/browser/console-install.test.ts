import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chartServer } from '@platform/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { helm, helmHistory } from '../support/helm.js';
import { deleteNamespace } from '../support/kube.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { launchChromium, screenshot, signUpWithKubeconfig, PageChecks, type LaunchedBrowser } from '../support/browser.js';
import { repoRoot } from '../support/readme-config.js';

/**
 * The console's install page and uninstall end to end in headless Chromium, against the real platform, the
 * local chart repository and OCI registry (scripts/servers.sh: chart `hello` at 0.1.0 and 0.2.0) and the
 * cluster, with the helm CLI as the oracle of what was installed and removed.
 */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
const namespace = `it-install-${randomBytes(3).toString('hex')}`;
const checks = new PageChecks();

/** The shared servers' chart sources (checked first: the suite cannot test installs without them, so it says so). */
const servers: Partial<Record<'CHART_REPO_URL' | 'OCI_REGISTRY', string>> = {};
const server = (name: keyof typeof servers): string => servers[name]!;

before(async () => {
  for (const name of ['CHART_REPO_URL', 'OCI_REGISTRY'] as const) servers[name] = await chartServer(name);
  platform = await startPlatform();
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 } });
  await signUpWithKubeconfig(context, ['admin']);
  page = checks.watch(await context.newPage());
});
after(async () => {
  for (const name of ['hello', 'late', 'uploaded']) await helm(['uninstall', name, '-n', namespace]).catch(() => undefined);
  // The shared cluster keeps no namespace of a finished suite.
  await deleteNamespace(namespace).catch(() => undefined);
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');
const helmList = async () =>
  (JSON.parse(await helm(['list', '-n', namespace, '-a', '-o', 'json'])) as Array<{ name: string; chart: string; status: string }>).map(
    ({ name, chart, status }) => `${name} ${chart} ${status}`,
  );

async function loadRepositoryChart(name: string): Promise<void> {
  await page.goto('/install');
  await page.getByLabel('Helm repository').check();
  await page.getByLabel('Repository URL').fill(server('CHART_REPO_URL'));
  await page.getByLabel('Chart name').fill(name);
  await page.getByRole('button', { name: 'Load chart' }).click();
}

describe('installing and uninstalling from the console', () => {
  checks.test("a repository's chart: versions, README, schema fields that edit the values text", async () => {
    await page.goto('/releases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Install' }).click();
    await page.waitForURL('**/install');
    await checks.audit('install, empty');
    await loadRepositoryChart('hello');
    const version = page.getByLabel('Version', { exact: true });
    await main().getByText('hello 0.2.0').waitFor();
    assert.deepEqual(await version.locator('option').allTextContents(), ['0.2.0 (app 1.0)', '0.1.0 (app 1.0)'], 'newest first');
    await version.selectOption('0.1.0');
    await main().getByText('hello 0.1.0').waitFor();
    const editor = page.getByLabel('Values (YAML)');
    assert.equal(await editor.inputValue(), '# The greeting the ConfigMap holds.\ngreeting: hello\nreplicas: 1\n');
    await main().getByText('README').click();
    await main().getByText('A ConfigMap `<release>-hello`').waitFor();

    const greeting = page.getByLabel(/^greeting/);
    assert.equal(await greeting.inputValue(), 'hello');
    await greeting.fill('from-console');
    await page.getByLabel(/^replicas/).fill('3');
    assert.equal(await editor.inputValue(), '# The greeting the ConfigMap holds.\ngreeting: from-console\nreplicas: 3\n', 'comments kept, keys set');
    await editor.fill('greeting: [unclosed');
    await main().getByText('Fix the YAML below to edit these fields.').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Install', exact: true }).isDisabled());
    await checks.audit('install, chart loaded');
    await screenshot(page, 'install');
  });

  checks.test('a preview plans every object added and installs nothing; applying it installs, and the releases table lists it', async () => {
    await loadRepositoryChart('hello');
    await main().getByText('hello 0.2.0').waitFor();
    await page.getByLabel('Version', { exact: true }).selectOption('0.1.0');
    await main().getByText('hello 0.1.0').waitFor();
    assert.equal(await page.getByLabel('Release name').inputValue(), 'hello', "the chart's name is suggested");
    await page.getByLabel('Namespace', { exact: true }).fill(namespace);
    await page.getByLabel('Create the namespace if it does not exist').check();
    await page.getByLabel(/^greeting/).fill('from-console');

    await page.getByRole('button', { name: 'Preview install' }).click();
    const plan = main().getByRole('region', { name: 'Preview of the install' });
    await plan.waitFor();
    await plan.getByText('From nothing (a new release) to planned (hello-0.1.0').waitFor();
    await plan.getByText('1 added').waitFor();
    assert.match((await plan.locator('pre.diff').first().textContent()) ?? '', /\+\s+greeting: "?from-console"?/);
    await plan.getByText('hello says from-console (revision 1).').waitFor();
    assert.deepEqual(await helmList(), [], 'a preview installs nothing');
    await checks.audit('install preview');
    await screenshot(page, 'install-preview');

    await plan.getByRole('button', { name: 'Apply this install' }).click();
    const installed = main().getByRole('status');
    await installed.getByText(`Installed hello (revision 1, hello-0.1.0) in ${namespace}.`).waitFor();
    assert.deepEqual(await helmList(), ['hello hello-0.1.0 deployed']);
    assert.deepEqual(JSON.parse(await helm(['get', 'values', 'hello', '-n', namespace, '-o', 'json'])), { greeting: 'from-console', replicas: 1 });

    await page.goto(`/releases?context=admin&namespace=${namespace}`);
    await main().getByRole('link', { name: 'hello' }).waitFor();
    assert.deepEqual(await main().locator('table.releases tbody th').allTextContents(), ['hello']);
  });

  checks.test('errors in words: a name in use, a plan overtaken by a helm CLI install, a chart the repository does not have', async () => {
    await loadRepositoryChart('hello');
    await main().getByText('hello 0.2.0').waitFor();
    await page.getByLabel('Namespace', { exact: true }).fill(namespace);
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    assert.equal(
      await main().getByRole('alert').textContent(),
      `Release name hello is in use in namespace ${namespace}: uninstall it, or roll back an uninstalled one.`,
    );

    // A plan made before someone else installed the name (here the helm CLI) is refused, not applied over theirs.
    await page.getByLabel('Release name').fill('late');
    await page.getByRole('button', { name: 'Preview install' }).click();
    const plan = main().getByRole('region', { name: 'Preview of the install' });
    await plan.waitFor();
    await helm(['install', 'late', 'hello', '--repo', server('CHART_REPO_URL'), '--version', '0.1.0', '-n', namespace, '--set', 'greeting=from-cli']);
    await plan.getByRole('button', { name: 'Apply this install' }).click();
    await main().getByRole('alert').getByText('The release changed since this preview was made. Preview again, then apply.').waitFor();
    assert.deepEqual(JSON.parse(await helm(['get', 'values', 'late', '-n', namespace, '-o', 'json'])), { greeting: 'from-cli' });

    await loadRepositoryChart('nothing');
    assert.equal(await main().getByRole('alert').textContent(), 'Chart nothing not found in the repository.');
    assert.deepEqual(await helmList(), ['hello hello-0.1.0 deployed', 'late hello-0.1.0 deployed'], 'nothing else changed');
  });

  checks.test('an OCI chart lists its tags; an uploaded archive shows its defaults, read in the browser, and installs', async () => {
    await page.goto('/install');
    await page.getByLabel('OCI registry').check();
    await page.getByLabel('OCI reference').fill(`oci://${server('OCI_REGISTRY')}/charts/hello`);
    await page.getByLabel('The registry speaks plain HTTP (no TLS)').check();
    await page.getByRole('button', { name: 'Load chart' }).click();
    await main()
      .getByText(/^hello 0\.\d\.0$/)
      .waitFor();
    assert.deepEqual((await page.getByLabel('Version', { exact: true }).locator('option').allTextContents()).sort(), ['0.1.0', '0.2.0']);

    const packaged = await mkdtemp(join(tmpdir(), 'console-chart-'));
    await helm(['package', join(repoRoot, 'scripts/charts/hello'), '-d', packaged]);
    await page.goto('/install');
    await page.getByLabel('Upload an archive').check();
    await page.getByLabel(/^Chart archive/).setInputFiles(join(packaged, 'hello-0.1.0.tgz'));
    await page.getByRole('button', { name: 'Load chart' }).click();
    await main().getByText('hello 0.1.0').waitFor();
    assert.equal(
      await page.getByLabel('Values (YAML)').inputValue(),
      '# The greeting the ConfigMap holds.\ngreeting: hello\nreplicas: 1\n',
      'read from the archive',
    );
    assert.equal(await page.getByLabel(/^replicas/).inputValue(), '1', "the archive's schema makes the fields");
    await page.getByLabel('Release name').fill('uploaded');
    await page.getByLabel('Namespace', { exact: true }).fill(namespace);
    await page.getByLabel('Values (YAML)').fill('greeting: uploaded\n');
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    await main().getByText(`Installed uploaded (revision 1, hello-0.1.0) in ${namespace}.`).waitFor();
    assert.deepEqual(JSON.parse(await helm(['get', 'values', 'uploaded', '-n', namespace, '-o', 'json'])), { greeting: 'uploaded' });
  });

  checks.test('uninstall keeping the history, then purge it; the helm CLI agrees at each step', async () => {
    await page.goto(`/releases/admin/${namespace}/hello?tab=uninstall`);
    await page.getByLabel('Keep the history (the release can be rolled back later)').check();
    const button = page.getByRole('button', { name: 'Uninstall hello' });
    await page.getByLabel('Type the release name, hello, to confirm').fill('hell');
    assert.ok(await button.isDisabled(), 'only the exact name confirms');
    await page.getByLabel('Type the release name, hello, to confirm').fill('hello');
    await checks.audit('uninstall');
    await button.click();
    await main().getByText('hello is uninstalled; its history is kept and it can be rolled back.').waitFor();
    assert.deepEqual(
      (await helmHistory('hello', namespace)).map((entry) => entry.status),
      ['uninstalled'],
    );

    await page.goto(`/releases/admin/${namespace}/hello?tab=uninstall`);
    await page.getByLabel('Type the release name, hello, to confirm').fill('hello');
    await page.getByRole('button', { name: 'Uninstall hello' }).click();
    await main().getByText('hello is uninstalled.').waitFor();
    await assert.rejects(helmHistory('hello', namespace), /release: not found/);
    assert.deepEqual(await helmList(), ['late hello-0.1.0 deployed', 'uploaded hello-0.1.0 deployed']);
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
