import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeRelease as decodeWithin, encodeRelease, releaseKey, type DecodeLimits } from '../src/helm/codec.js';
import { createNamespace, deleteNamespace, helm, kubectl, writeDemoChart } from './fixtures.js';

const limits: DecodeLimits = { maxEncodedChars: 3 * 2 ** 20, maxDecodedBytes: 32 * 2 ** 20 };
const decodeRelease = (data: string, base64Layers = 1) => decodeWithin(data, limits, base64Layers);

let namespace: string;
before(async () => {
  namespace = await createNamespace('rel-codec');
});
after(async () => deleteNamespace(namespace));

const sample = {
  name: 'demo',
  info: { first_deployed: '2024-01-01T00:00:00Z', last_deployed: '2024-01-01T00:00:00Z', deleted: '', description: 'Install complete', status: 'deployed' },
  chart: { metadata: { name: 'demo', version: '0.1.0' }, templates: [], values: { a: 1 } },
  config: { b: 'two' },
  manifest: '---\n',
  version: 3,
  namespace: 'ns',
};

test('encode then decode gives the same release, gzip-compressed', () => {
  const encoded = encodeRelease(sample);
  assert.deepEqual(Buffer.from(encoded, 'base64').subarray(0, 3), Buffer.from([0x1f, 0x8b, 0x08]));
  assert.deepEqual(decodeRelease(encoded), sample);
});

test('decodes plain (not gzipped) JSON as Helm does', () => {
  assert.deepEqual(decodeRelease(Buffer.from(JSON.stringify(sample)).toString('base64')), sample);
  assert.equal(decodeRelease(gzipSync(JSON.stringify(sample)).toString('base64')).version, 3);
});

test('the storage key is Helm`s', () => {
  assert.equal(releaseKey('demo', 12), 'sh.helm.release.v1.demo.v12');
});

test('decodes what the helm binary wrote, in a Secret and in a ConfigMap', async () => {
  const chart = await writeDemoChart();
  await helm(['install', 'codec-s', chart, '-n', namespace, '--set', 'greeting=hi']);
  await helm(['install', 'codec-c', chart, '-n', namespace], 'configmap');
  const secret = JSON.parse(await kubectl(['get', 'secret', releaseKey('codec-s', 1), '-n', namespace, '-o', 'json']));
  assert.equal(secret.type, 'helm.sh/release.v1');
  assert.equal(secret.metadata.labels.owner, 'helm');
  const fromSecret = decodeRelease(secret.data.release, 2);
  assert.equal(fromSecret.name, 'codec-s');
  assert.deepEqual(fromSecret.config, { greeting: 'hi' });
  assert.match(fromSecret.manifest ?? '', /greeting: "hi"/);

  const configMap = JSON.parse(await kubectl(['get', 'configmap', releaseKey('codec-c', 1), '-n', namespace, '-o', 'json']));
  const fromConfigMap = decodeRelease(configMap.data.release);
  assert.equal(fromConfigMap.info.status, 'deployed');
  assert.equal(fromConfigMap.chart.metadata.name, 'demo');
  // Re-encoding keeps every field Helm wrote.
  assert.deepEqual(decodeRelease(encodeRelease(fromConfigMap)), fromConfigMap);
});
