import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@platform/service-kit';
import { listOciChartVersions, pullOciChart, tokenRealm } from '../src/charts/oci-registry.js';

// A reference the fuzzer sent (it passes the contract's pattern but is no URL): 400/600 before any request.
const notAUrl = 'oci://\u00a1\u{ac88d}\u00c1\u{4bda7}\u001aW\u00c5\u00bb\u00ae\u0012/h8/mwh';
const options = { policy: undefined as never, timeoutMs: 1000 };

test('an oci:// reference that is not a URL is refused 400/600, not a 500', async () => {
  for (const attempt of [() => listOciChartVersions(notAUrl, true, options), () => pullOciChart(notAUrl, false, '1.0.0', options)]) {
    await assert.rejects(attempt(), (error: unknown) => error instanceof AppError && error.status === 400 && error.code === 600);
  }
});

test("a registry's Bearer challenge: the realm with service and scope; never a plain-http realm for an https registry's credentials", () => {
  const challenge = 'Bearer realm="https://auth.example.test/token",service="registry.example.test",scope="repository:charts/app:pull"';
  const realm = tokenRealm(challenge, new URL('https://registry.example.test/v2/charts/app/'), true);
  assert.equal(realm.toString(), 'https://auth.example.test/token?service=registry.example.test&scope=repository%3Acharts%2Fapp%3Apull');

  const clearRealm = 'Bearer realm="http://auth.example.test/token",service="registry"';
  const refusedInClear = (error: unknown) =>
    error instanceof AppError &&
    error.status === 502 &&
    error.code === 604 &&
    /not https, and the credentials are not sent in clear/.test(error.errors[0] ?? '');
  assert.throws(() => tokenRealm(clearRealm, new URL('https://registry.example.test/v2/'), true), refusedInClear);
  // Anonymous, or a plain-http registry (its credentials travel in clear anyway, as the user chose): allowed.
  assert.equal(tokenRealm(clearRealm, new URL('https://registry.example.test/v2/'), false).protocol, 'http:');
  assert.equal(tokenRealm(clearRealm, new URL('http://127.0.0.1:5000/v2/'), true).protocol, 'http:');

  for (const hostile of ['Bearer realm="not a url"', 'Bearer service="x"', 'Negotiate abc', 'Bearer realm=""']) {
    assert.throws(
      () => tokenRealm(hostile, new URL('https://registry.example.test/v2/'), true),
      (error: unknown) => error instanceof AppError && error.status === 502 && error.code === 604,
      hostile,
    );
  }
});
