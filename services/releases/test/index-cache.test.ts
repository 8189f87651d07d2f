import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { checkedDownloadEntity } from '../src/charts/checked-download.js';
import { repositoryIndexCache, type ChartCacheResult, type RepositoryIndexCache } from '../src/charts/index-cache.js';
import { ClusterAddressPolicy } from '../src/kube/address-policy.js';

const index = (version: string) => `apiVersion: v1\nentries:\n  demo:\n  - version: ${version}\n    urls: [demo-${version}.tgz]\n`;
let body = index('0.1.0');
let etag = '"one"';
const seen: Array<string | undefined> = [];
const server = createServer((request, response) => {
  seen.push(request.headers['if-none-match']);
  if (request.headers['if-none-match'] === etag) return void response.writeHead(304).end();
  response.writeHead(200, { etag }).end(body);
});
let url: string;
let policy: ClusterAddressPolicy;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/index.yaml`;
  policy = new ClusterAddressPolicy([`127.0.0.1:${port}`]);
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const download = (headers: Record<string, string>) =>
  checkedDownloadEntity(policy, new URL(url), { maxBytes: 1024, timeoutMs: 5000, what: 'chart repository', headers });
const versions = (charts: Awaited<ReturnType<RepositoryIndexCache['get']>>) => charts.get('demo')!.map((entry) => entry.version);

test('a fresh index is not asked for again; a stale one is revalidated by its ETag, and a change is read; each lookup is observed', async () => {
  seen.length = 0;
  const observed: ChartCacheResult[] = [];
  const observe = (result: ChartCacheResult) => observed.push(result);
  const fresh = repositoryIndexCache({ max: 4, freshMs: 60_000 }, observe);
  assert.deepEqual(versions(await fresh.get(url, download)), ['0.1.0']);
  assert.deepEqual(versions(await fresh.get(url, download)), ['0.1.0']);
  assert.deepEqual(seen, [undefined], 'one download while fresh');

  seen.length = 0;
  assert.deepEqual(observed.splice(0), ['downloaded', 'hit']);
  const revalidating = repositoryIndexCache({ max: 4, freshMs: 0 }, observe);
  await revalidating.get(url, download);
  assert.deepEqual(versions(await revalidating.get(url, download)), ['0.1.0']);
  assert.deepEqual(seen, [undefined, '"one"'], 'the second request is conditional (answered 304)');

  body = index('0.2.0');
  etag = '"two"';
  assert.deepEqual(versions(await revalidating.get(url, download)), ['0.2.0'], 'a changed index is downloaded and parsed again');
  assert.deepEqual(seen, [undefined, '"one"', '"one"']);
  assert.deepEqual(observed.splice(0), ['downloaded', 'revalidated', 'downloaded']);

  await assert.rejects(
    revalidating.get(url, async () => ({ body: Buffer.from('not: [an index'), notModified: false })),
    /index\.yaml is not YAML/,
  );
  assert.deepEqual(observed, ['failed'], 'a download that cannot be used is a failed lookup');
});
