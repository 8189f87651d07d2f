import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createGzip } from 'node:zlib';
import { parse, stringify } from 'yaml';
import { signUp, type GatewayClient } from './support/client.js';
import { kubeApi } from './support/kube.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/**
 * The attacks of a hostile user on the releases service, replayed through the gateway of a running platform:
 * a kubeconfig whose "cluster" is another HTTP service on 127.0.0.1 (non-Kubernetes JSON, a redirect, an
 * oversize body), a loopback address the allowlist does not name, and a release record in the real test
 * cluster that inflates to hundreds of MiB. Traffic stays on loopback. Figures are printed, not asserted.
 */
const responseMaxBytes = 2 ** 20;
const inflatedMiB = 450;
const leaked = `internal-${randomBytes(4).toString('hex')}`;
const namespace = `it-untrusted-${randomBytes(3).toString('hex')}`;

let platform: Platform;
let client: GatewayClient;
let fake: Server;
let fakeRequests: string[] = [];

before(async () => {
  fake = createServer((request, response) => {
    fakeRequests.push(request.url ?? '');
    const scenario = (request.url ?? '').split('/')[1];
    if (scenario === 'redirect') return void response.writeHead(302, { location: `http://127.0.0.1:${port()}/json/api/v1/namespaces` }).end();
    const padding = scenario === 'oversize' ? 'x'.repeat(2 * responseMaxBytes) : '';
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service: leaked, items: [], padding }));
  });
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  platform = await startPlatform({ extraEnv: { releases: { KUBE_RESPONSE_MAX_BYTES: String(responseMaxBytes) } } });
  let id: number;
  ({ client, id } = await signUp(platform.gatewayUrl, `untrusted-${randomBytes(4).toString('hex')}@example.test`));
  const kubeconfig = parse(await testClusterKubeconfig()) as { clusters: unknown[]; contexts: unknown[]; users: Array<{ name: string }> };
  const fakes: Record<string, string> = {
    json: `http://127.0.0.1:${port()}/json`,
    redirect: `http://127.0.0.1:${port()}/redirect`,
    oversize: `http://127.0.0.1:${port()}/oversize`,
    'other-loopback': `http://127.0.0.2:${port()}/json`,
  };
  for (const [name, server] of Object.entries(fakes)) {
    kubeconfig.clusters.push({ name, cluster: { server } });
    kubeconfig.contexts.push({ name, context: { cluster: name, user: kubeconfig.users[0]!.name } });
  }
  const put = await client.put(`/api/users/${id}`, { rawKubeConfig: stringify(kubeconfig), allowedContexts: ['admin', ...Object.keys(fakes)] });
  assert.equal(put.status, 204, put.text);
  assert.equal((await kubeApi('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })).status, 201);
});
after(async () => {
  await kubeApi('DELETE', `/api/v1/namespaces/${namespace}`).catch(() => undefined);
  await platform?.stop();
  fake?.close();
});

function port(): number {
  return (fake.address() as AddressInfo).port;
}

test('a "cluster" that is another HTTP service on 127.0.0.1: 502/604 at once, its body never echoed, no redirect followed', async () => {
  const cases: Array<[string, RegExp]> = [
    ['json', /^cluster unreachable: the server did not answer a NamespaceList$/],
    ['redirect', /^cluster unreachable: the server answered with a redirect \(HTTP 302\), which is not followed$/],
    ['oversize', /^cluster unreachable: the answer is larger than this service reads$/],
    ['other-loopback', /^cluster address not allowed: 127\.0\.0\.2$/],
  ];
  for (const [context, message] of cases) {
    // The first request of a context also fetches the kubeconfig and sets up its client; the second is the refusal alone.
    const times: number[] = [];
    for (let round = 0; round < 2; round += 1) {
      fakeRequests = [];
      const started = performance.now();
      const reply = await client.get(`/api/k8s/namespaces?context=${context}`);
      times.push(performance.now() - started);
      assert.equal(reply.status, 502, `${context}: ${reply.text.slice(0, 200)}`);
      assert.equal((reply.json as { code: number }).code, 604);
      assert.match((reply.json as { errors: string[] }).errors[0]!, message);
      assert.ok(!reply.text.includes(leaked));
      if (context === 'redirect') assert.deepEqual(fakeRequests, ['/redirect/api/v1/namespaces']);
      if (context === 'other-loopback') assert.deepEqual(fakeRequests, []);
    }
    console.log(`# ${context}: refused in ${times.map((ms) => ms.toFixed(1)).join(' ms, then ')} ms`);
  }
});

test(`a release Secret inflating to ${inflatedMiB} MiB: refused 500/603 naming it, /livez answers throughout, memory stays small`, async (t) => {
  const record = await inflatingRecord(inflatedMiB);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: 'sh.helm.release.v1.bomb.v1', namespace, labels: { name: 'bomb', owner: 'helm', status: 'deployed', version: '1' } },
    data: { release: Buffer.from(record).toString('base64') },
  };
  const created = await kubeApi('POST', `/api/v1/namespaces/${namespace}/secrets`, secret);
  assert.equal(created.status, 201, JSON.stringify(created.json).slice(0, 300));
  // Namespaces never finish deleting on the test cluster (no controllers), and suites that list releases in
  // every namespace share it: the record lives only as long as this test needs it.
  t.after(() => kubeApi('DELETE', `/api/v1/namespaces/${namespace}/secrets/${secret.metadata.name}`).then(() => undefined));

  const pid = platform.pid('releases')!;
  const livezUrl = `${platform.serviceUrl.releases}/livez`;
  const quiet = probeLiveness(livezUrl);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const baseline = await quiet.stop();
  const rssBefore = await memoryKiB(pid, 'VmRSS');
  const probe = probeLiveness(livezUrl);
  const rssSamples = sampleRss(pid);
  // Two rounds of three requests at once: the first also starts the decoding workers.
  const timings: string[] = [];
  const replies = [];
  for (let round = 0; round < 2; round += 1) {
    const started = performance.now();
    const paths = ['/api/releases/bomb/history', '/api/releases/bomb/0', '/api/releases'];
    replies.push(...(await Promise.all(paths.map((path) => client.get(`${path}?namespace=${namespace}&context=admin`)))));
    timings.push((performance.now() - started).toFixed(0));
  }
  const livez = await probe.stop();
  const peakRss = Math.max(...(await rssSamples.stop()));

  for (const reply of replies) {
    assert.equal(reply.status, 500, reply.text.slice(0, 300));
    assert.deepEqual(reply.json, {
      code: 603,
      errors: [`release record ${namespace}/sh.helm.release.v1.bomb.v1 refused: decoded record over 33554432 bytes`],
    });
  }
  assert.ok(livez.answered >= 1 && livez.failed === 0, `livez ${JSON.stringify(livez)}`);
  // Memory, not time: decoding stops at the 32 MiB cap, where it used to hold the whole inflated record.
  assert.ok(peakRss - rssBefore < 256 * 1024, `RSS grew ${(peakRss - rssBefore) / 1024} MiB`);
  console.log(
    `# inflating record (${inflatedMiB} MiB, ${(record.length / 1024).toFixed(0)} KiB stored): three requests at once refused in ${timings.join(' ms, then ')} ms; ` +
      `/livez worst ${livez.worstMs.toFixed(1)} ms over ${livez.answered} probes (quiet: worst ${baseline.worstMs.toFixed(1)} ms); releases RSS ${(rssBefore / 1024).toFixed(0)} MiB before, ` +
      `peak sampled ${(peakRss / 1024).toFixed(0)} MiB, VmHWM ${((await memoryKiB(pid, 'VmHWM')) / 1024).toFixed(0)} MiB`,
  );
});

/** Helm's encoding (base64 of gzip) of release JSON whose manifest is `mib` MiB of one letter, gzipped as a stream. */
async function inflatingRecord(mib: number): Promise<string> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const head = { name: 'bomb', info: { status: 'deployed' }, chart: { metadata: { name: 'bomb', version: '0.1.0' } }, version: 1, namespace };
  gzip.write(JSON.stringify(head).replace(/}$/, ',"manifest":"'));
  const block = Buffer.alloc(2 ** 20, 'a');
  for (let written = 0; written < mib; written += 1) if (!gzip.write(block)) await once(gzip, 'drain');
  gzip.end('"}');
  await once(gzip, 'end');
  return Buffer.concat(chunks).toString('base64');
}

/** Probes `url` back to back until stopped: the worst answer time and how many answered or failed. */
function probeLiveness(url: string): { stop: () => Promise<{ worstMs: number; answered: number; failed: number }> } {
  let running = true;
  const result = { worstMs: 0, answered: 0, failed: 0 };
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(url).then(
        (response) => response.ok,
        () => false,
      );
      result.worstMs = Math.max(result.worstMs, performance.now() - started);
      if (ok) result.answered += 1;
      else result.failed += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return result;
    },
  };
}

/** Samples a process's resident memory (KiB) every 10 ms from /proc, outside the process itself. */
function sampleRss(pid: number): { stop: () => Promise<number[]> } {
  const samples: number[] = [];
  const timer = setInterval(
    () =>
      void memoryKiB(pid, 'VmRSS').then(
        (kib) => samples.push(kib),
        () => undefined,
      ),
    10,
  );
  return {
    stop: async () => {
      clearInterval(timer);
      samples.push(await memoryKiB(pid, 'VmRSS'));
      return samples;
    },
  };
}

async function memoryKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
}
