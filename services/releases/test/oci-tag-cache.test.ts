import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, mock, test } from 'node:test';
import type { RepositoryAccess } from '@platform/contracts';
import { searchCharts } from '../src/charts/chart-search.js';
import { listChartVersions } from '../src/charts/chart-views.js';
import { tagListCache } from '../src/charts/oci-registry.js';
import { ClusterAddressPolicy } from '../src/kube/address-policy.js';
import { startRegistry } from './chart-sources.js';
import { writeDemoChart } from './fixtures.js';

let registry: Awaited<ReturnType<typeof startRegistry>>;
let endpoint: string;
const asked: string[] = [];
/** A loopback proxy in front of the real registry, to count what the releases service asks it. */
const proxy = createServer((incoming, answer) => {
  asked.push(incoming.url ?? '');
  const [host, port] = registry.endpoint.split(':');
  const forwarded = request({ host, port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (response) => {
    answer.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(answer);
  });
  forwarded.on('error', () => answer.writeHead(502).end());
  incoming.pipe(forwarded);
});

before(async () => {
  registry = await startRegistry([await writeDemoChart()]);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  endpoint = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  mock.timers.reset();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await registry?.close();
});

const tagRequests = () => asked.filter((path) => path.endsWith('/tags/list')).length;

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
