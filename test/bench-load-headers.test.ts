import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { IdentityHeader } from '@platform/contracts';
import { signIdentity, verifyIdentity } from '@platform/service-kit';
import { load } from '../bench/support/load.js';
import { openLoop } from '../bench/support/open-loop.js';

/**
 * The bench's direct calls to a service carry a signed identity, which the service refuses once older than
 * 10 s; a bench run may last longer. A loopback server checks each identity as the services do, on a clock
 * running `speedUp` times faster than the real one, so a 4-second run is a 16-second one to it.
 */
const secret = 'bench-load-headers-secret-0123456789abcdef';
const path = '/api/users/1';
const speedUp = 4;
const seconds = 4;
const sign = () => signIdentity(secret, { kind: 'user', userId: 1 }, { audience: 'users', method: 'GET', url: path });

let server: Server;
let url: string;
before(async () => {
  server = createServer((request, response) => {
    // Ages on the fast clock: speedUp times the real time since the sender signed.
    const sentAt = Number(request.headers[IdentityHeader.timestamp]);
    const now = sentAt + (Date.now() - sentAt) * speedUp;
    const identity = verifyIdentity(secret, request.headers, { audience: 'users', method: request.method ?? '', url: request.url ?? '' }, now);
    response.writeHead(identity ? 200 : 403).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('headers given as a function are signed again during a closed-loop run, which then outlives a signature', async () => {
  const result = await load({ url, connections: 2, durationSeconds: seconds, headers: sign });
  assert.ok(result.perSecond > 0);
});

test('and during an open-loop run', async () => {
  const latencies = await openLoop({ url, headers: sign, ratePerSecond: 50, seconds });
  assert.equal(latencies.length, 50 * seconds);
});

test('headers signed once are refused before such a run ends (what the refresh is for)', async () => {
  await assert.rejects(load({ url, connections: 2, durationSeconds: seconds, headers: sign() }), /non-2xx/);
});
