import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startPlatform, type Platform } from '../support/platform.js';
import { launchChromium, screenshot, signUpWithKubeconfig, PageChecks, type LaunchedBrowser } from '../support/browser.js';

/**
 * The console's API tokens page in headless Chromium against the real platform: a token created there works
 * as `Authorization: Bearer` within its scope, and stops working once revoked there.
 */
let platform: Platform;
let launched: LaunchedBrowser;
let context: BrowserContext;
let page: Page;
const checks = new PageChecks();

before(async () => {
  platform = await startPlatform();
  launched = await launchChromium();
  context = await launched.browser.newContext({ baseURL: platform.gatewayUrl, viewport: { width: 1280, height: 800 } });
  await signUpWithKubeconfig(context, ['admin', 'limited']);
  page = checks.watch(await context.newPage());
});
after(async () => {
  await launched?.close();
  await platform?.stop();
});

const main = () => page.getByRole('main');
/** A call with the token alone (no cookie), as a script would make it. */
const withToken = (token: string, path: string, method = 'GET') =>
  fetch(`${platform.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } }).then(async (reply) => ({
    status: reply.status,
    body: await reply.text(),
  }));

describe('API tokens in the console', () => {
  checks.test('create a read token limited to one context: shown once, works there, refused elsewhere', async () => {
    await page.goto('/releases');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await main().getByText('No token yet.').waitFor();
    await checks.audit('tokens, none');
    await page.getByLabel('Token name').fill('ci read');
    await page.getByLabel('Read (GET calls only)').check();
    await page.getByLabel('admin', { exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Your new token').inputValue();
    assert.match(secret, /^prt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const row = main().getByRole('row', { name: /ci read/ });
    assert.match((await row.textContent()) ?? '', /read.*contexts admin.*never/);
    await checks.audit('tokens, one created');
    await screenshot(page, 'tokens');

    assert.equal((await withToken(secret, '/api/releases?context=admin')).status, 200);
    const otherContext = await withToken(secret, '/api/releases?context=limited');
    assert.equal(otherContext.status, 403);
    assert.equal(JSON.parse(otherContext.body).code, 612);
    assert.equal((await withToken(secret, '/api/releases/x?context=admin&namespace=default', 'DELETE')).status, 403, 'read only');
    await page.reload();
    await main()
      .getByRole('row', { name: /ci read/ })
      .waitFor();
    assert.equal(await page.getByLabel('Your new token').count(), 0, 'the secret is never shown again');
  });

  checks.test('revoke after a confirmation naming it: the token stops working at once', async () => {
    await page.getByLabel('Token name').fill('short lived');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Your new token').inputValue();
    assert.equal((await withToken(secret, '/api/releases?context=admin')).status, 200);

    await page.getByRole('button', { name: 'Revoke short lived…' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    assert.equal((await withToken(secret, '/api/releases?context=admin')).status, 200, 'kept');
    await page.getByRole('button', { name: 'Revoke short lived…' }).click();
    await checks.audit('tokens, confirming a revocation');
    await page.getByRole('button', { name: 'Revoke short lived now' }).click();
    await main().getByText('Token short lived is revoked: it no longer works.').waitFor();
    assert.equal((await withToken(secret, '/api/releases?context=admin')).status, 401);
    assert.deepEqual(await main().locator('tbody th').allTextContents(), ['ci read']);
  });

  checks.test('an expiry the platform refuses is said in words', async () => {
    await page.getByLabel('Token name').fill('too long');
    // The date field's own max stops a person; a typed-in date past it still reaches the platform's rule.
    await page.getByLabel('Expires on').evaluate((input) => input.removeAttribute('max'));
    await page.getByLabel('Expires on').fill('2099-01-01');
    await page.getByRole('button', { name: 'Create token' }).click();
    assert.equal(await main().getByRole('alert').textContent(), 'Choose an expiry date from tomorrow up to a year ahead.');
  });

  test('no serious accessibility violation, no CSP refusal, no page error', () => {
    assert.deepEqual(checks.seriousViolations, []);
    assert.deepEqual(checks.problems, []);
  });
});
