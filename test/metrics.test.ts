import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chartServer } from '@platform/test-support';
import { GatewayClient, signUp } from './support/client.js';
import { helm, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';
import { scrape, samplesOf, valueOf, type Sample } from './support/prometheus.js';

/** Each service's /metrics after a known handful of requests through the real gateway. */
let platform: Platform;
const namespace = `it-metrics-${randomBytes(3).toString('hex')}`;
const email = `metrics-${randomBytes(4).toString('hex')}@example.test`;
let userId: number;

before(async () => {
  platform = await startPlatform();
  const { client, id } = await signUp(platform.gatewayUrl, email, 'metrics-password');
  userId = id;
  assert.equal((await new GatewayClient(platform.gatewayUrl).post('/api/login', { email, password: 'wrong' })).status, 401);
  assert.equal((await client.post('/api/login', { email, password: 'metrics-password' })).status, 200);
  const put = await client.put(`/api/users/${id}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] });
  assert.equal(put.status, 204);
  await helm(['install', 'metered', await writeConfigMapChart(), '-n', namespace, '--create-namespace']);
  for (let read = 0; read < 2; read++) assert.equal((await client.get(`/api/releases?namespace=${namespace}&context=admin`)).status, 200);
  const upgrade = await client.post('/api/releases/metered/upgrade', { namespace, context: 'admin', values: 'message: measured\n' });
  assert.equal(upgrade.status, 200, upgrade.text);
  // Each chart's versions twice: the repository's index.yaml and the registry's tags list, each read once.
  const repository = encodeURIComponent(await chartServer('CHART_REPO_URL'));
  const oci = encodeURIComponent(`oci://${await chartServer('OCI_REGISTRY')}/charts/hello`);
  for (const query of [
    `repository=${repository}&name=hello`,
    `oci=${oci}&plainHttp=true`,
    `repository=${repository}&name=hello`,
    `oci=${oci}&plainHttp=true`,
  ]) {
    const versions = await client.get(`/api/charts/versions?${query}`);
    assert.equal(versions.status, 200, versions.text);
  }
});
after(async () => {
  await helm(['uninstall', 'metered', '-n', namespace]).catch(() => undefined);
  await platform?.stop();
});

const requests = (samples: Sample[], method: string, route: string, status: number) =>
  valueOf(samples, 'http_request_duration_seconds_count', { method, route, status_code: String(status) });

describe('/metrics', () => {
  test('every service serves process metrics and request durations, unsigned, in the Prometheus format', async () => {
    for (const url of Object.values(platform.serviceUrl)) {
      const samples = await scrape(url);
      assert.ok(valueOf(samples, 'process_resident_memory_bytes') > 0, url);
      assert.ok(samplesOf(samples, 'nodejs_eventloop_lag_seconds').length === 1, url);
      assert.ok(samplesOf(samples, 'http_request_duration_seconds_bucket').length > 0, url);
    }
    // Other paths of the services still want a signed identity.
    assert.equal((await fetch(`${platform.serviceUrl.users}/api/users/${userId}`)).status, 403);
  });

  test('gateway: requests by route pattern and status, login outcomes', async () => {
    const samples = await scrape(platform.gatewayUrl);
    assert.equal(requests(samples, 'POST', '/api/users', 201), 1);
    assert.equal(requests(samples, 'POST', '/api/login', 401), 1);
    assert.equal(requests(samples, 'POST', '/api/login', 200), 1);
    assert.equal(requests(samples, 'PUT', '/api/users/*', 204), 1);
    assert.equal(requests(samples, 'GET', '/api/releases', 200), 2);
    assert.equal(valueOf(samples, 'gateway_login_attempts_total', { outcome: 'success' }), 1);
    assert.equal(valueOf(samples, 'gateway_login_attempts_total', { outcome: 'rejected' }), 1);
    assert.equal(valueOf(samples, 'gateway_login_attempts_total', { outcome: 'throttled' }), 0);
    const sum = valueOf(samples, 'http_request_duration_seconds_sum', { method: 'POST', route: '/api/login', status_code: '200' });
    assert.ok(sum > 0 && sum < 30, `a login took ${sum} s`);
    const routes = new Set(samplesOf(samples, 'http_request_duration_seconds_count').map((sample) => sample.labels.route));
    assert.ok(![...routes].some((route) => route?.includes(String(userId)) || route?.includes(namespace)), `raw URLs in ${[...routes].join(' ')}`);
    // The gateway's /metrics is its own: the users service's series are not proxied through it.
    assert.equal(samplesOf(samples, 'user_event_delivery_lag_seconds_count').length, 0);
  });

  test('users: routes as patterns, and the kubeconfig change event delivered with its lag', async () => {
    let samples = await scrape(platform.serviceUrl.users);
    for (let attempt = 0; attempt < 50 && valueOf(samples, 'user_event_delivery_lag_seconds_count', { type: 'kubeconfig.changed' }) === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples = await scrape(platform.serviceUrl.users);
    }
    assert.equal(requests(samples, 'PUT', '/api/users/:id', 204), 1);
    assert.equal(requests(samples, 'POST', '/internal/credentials/verify', 401), 1);
    assert.equal(valueOf(samples, 'user_event_delivery_lag_seconds_count', { type: 'kubeconfig.changed' }), 1);
    const lag = valueOf(samples, 'user_event_delivery_lag_seconds_sum', { type: 'kubeconfig.changed' });
    assert.ok(lag >= 0 && lag < 30, `delivered after ${lag} s`);
    assert.equal(samplesOf(samples, 'user_events_pending').length, 1);
  });

  test("releases: client cache misses then hits, and the helm upgrade's duration", async () => {
    const samples = await scrape(platform.serviceUrl.releases);
    assert.equal(requests(samples, 'GET', '/api/releases', 200), 2);
    assert.equal(requests(samples, 'POST', '/api/releases/:name/upgrade', 200), 1);
    // Three lookups: the two lists and the upgrade, whose audit event takes the revisions before and after from
    // the upgrade itself (no read of its own). The first builds the client, later ones reuse it (unless the
    // kubeconfig event, which evicts it, happens to arrive in between).
    const misses = valueOf(samples, 'kube_client_cache_lookups_total', { result: 'miss' });
    const hits = valueOf(samples, 'kube_client_cache_lookups_total', { result: 'hit' });
    assert.equal(misses + hits, 3);
    assert.ok(misses >= 1 && hits >= 1, `${misses} misses, ${hits} hits`);
    assert.equal(valueOf(samples, 'helm_operation_duration_seconds_count', { operation: 'upgrade', outcome: 'success' }), 1);
    const seconds = valueOf(samples, 'helm_operation_duration_seconds_sum', { operation: 'upgrade', outcome: 'success' });
    assert.ok(seconds > 0 && seconds < 120, `helm upgrade took ${seconds} s`);
  });

  test("releases: the chart caches' lookups, a download then a hit for the index.yaml and for the tags list", async () => {
    const samples = await scrape(platform.serviceUrl.releases);
    for (const cache of ['index', 'tags']) {
      const results = Object.fromEntries(
        ['hit', 'revalidated', 'downloaded', 'failed'].map((result) => [result, valueOf(samples, 'chart_cache_lookups_total', { cache, result })]),
      );
      assert.deepEqual(results, { hit: 1, revalidated: 0, downloaded: 1, failed: 0 }, cache);
    }
  });
});
