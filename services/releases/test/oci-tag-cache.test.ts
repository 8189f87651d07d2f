import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, mock, test } from 'node:test';
import type { RepositoryAccess } from '@platform/contracts';
import { startRecordingProxy, type RecordingProxy } from '@platform/test-support';
import { searchCharts } from '../src/charts/chart-search.js';
import { listChartVersions } from '../src/charts/chart-views.js';
import type { ChartCacheResult } from '../src/charts/index-cache.js';
import { tagListCache } from '../src/charts/oci-registry.js';
import { ClusterAddressPolicy } from '../src/kube/address-policy.js';
import { startRegistry } from './chart-sources.js';
import { writeDemoChart } from './fixtures.js';

let registry: Awaited<ReturnType<typeof startRegistry>>;
/** In front of the real registry, to count what the releases service asks it and see what it answers. */
let proxy: RecordingProxy;
let endpoint: string;

before(async () => {
  registry = await startRegistry([await writeDemoChart()]);
  proxy = await startRecordingProxy(registry.endpoint);
  endpoint = proxy.endpoint;
});
after(async () => {
  mock.timers.reset();
  await proxy?.close();
  await registry?.close();
});

const tagListRequests = () => proxy.requests.filter((request) => request.path.endsWith('/tags/list'));
const tagRequests = () => tagListRequests().length;

test('an OCI tags list is read once within the TTL (versions and search), per credentials, and a tag pushed later shows after the TTL', async () => {
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const tagLists = tagListCache({ max: 4, freshMs: 60_000 });
  const options = { policy: new ClusterAddressPolicy([endpoint]), timeoutMs: 10_000, tagLists };
  const chart = { oci: `oci://${endpoint}/charts/demo`, plainHttp: true };
  const repository: RepositoryAccess = { name: 'local', url: `oci://${endpoint}/charts`, plainHttp: true, credentials: null };
  const search = (access: RepositoryAccess) => searchCharts(1, { q: 'demo' }, { repositories: async () => [access] }, options);

  assert.deepEqual(await listChartVersions(chart, options), [{ version: '0.1.0' }]);
  assert.deepEqual(await listChartVersions(chart, options), [{ version: '0.1.0' }]);
  assert.deepEqual(
    (await search(repository)).charts.map((found) => found.versions),
    [['0.1.0']],
  );
  assert.equal(tagRequests(), 1, 'versions twice and a search within the TTL ask the registry once');
  assert.equal(tagLists.downloads, 1);

  // The registry does not ask for credentials here, but a list read with them is kept apart all the same.
  await search({ ...repository, credentials: { username: 'someone', password: 'secret' } });
  assert.equal(tagRequests(), 2, 'a list read with credentials is not the anonymous one');

  const newer = await writeDemoChart();
  await writeFile(join(newer, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.2.0\ndescription: test chart\n');
  await registry.push(newer);
  assert.deepEqual(await listChartVersions(chart, options), [{ version: '0.1.0' }], 'within the TTL the cached list answers');
  assert.equal(tagRequests(), 2);

  mock.timers.tick(60_001);
  assert.deepEqual(
    (await search(repository)).charts.map((found) => found.versions),
    [['0.2.0', '0.1.0']],
    'after the TTL the new tag shows',
  );
  assert.deepEqual(await listChartVersions(chart, options), [{ version: '0.1.0' }, { version: '0.2.0' }]);
  assert.equal(tagRequests(), 3, 'read again once after the TTL');
});

test('the real registry gives its tags list no ETag and no Last-Modified: once stale, the list is downloaded again in full', async () => {
  const seen: ChartCacheResult[] = [];
  const tagLists = tagListCache({ max: 4, freshMs: 0 }, (result) => seen.push(result));
  const options = { policy: new ClusterAddressPolicy([endpoint]), timeoutMs: 10_000, tagLists };
  const chart = { oci: `oci://${endpoint}/charts/demo`, plainHttp: true };
  const earlier = tagRequests();
  await listChartVersions(chart, options);
  await listChartVersions(chart, options);
  const answered = tagListRequests().slice(earlier);
  // distribution v3 (registry/handlers/tags.go) sets only Content-Type (and Link when paged): if this fails, a
  // newer registry validates tags lists, and the README's "Chart repositories" section must say so.
  assert.deepEqual(
    answered.map(({ status, etag, lastModified, ifNoneMatch }) => ({ status, etag, lastModified, ifNoneMatch })),
    [
      { status: 200, etag: undefined, lastModified: undefined, ifNoneMatch: undefined },
      { status: 200, etag: undefined, lastModified: undefined, ifNoneMatch: undefined },
    ],
    'two unconditional GETs, each answered in full',
  );
  assert.deepEqual(seen, ['downloaded', 'downloaded'], 'never revalidated: there is no validator to send');
});
