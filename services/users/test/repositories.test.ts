import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChartRepository,
  ChartRepositoryList,
  type AuditEvent,
  ErrorCode,
  InternalRoutes,
  RepositoryAccessList,
  repositoriesPerUserMax,
} from '@platform/contracts';
import { asGateway, asReleases, asUser, build } from './helper.js';

const validation = (rule: string) => ({ code: ErrorCode.ValidationFailed, errors: [`${rule} validation failed`] });
const secretPassword = 'pa55-w0rd-never-shown';
const secretToken = 'tok-never-shown-0123456789';

test('add, list and remove repositories: credentials are stored sealed and never answered', async (t) => {
  const { call, createUser, connection } = await build(t);
  const id = await createUser();
  const added = await call(asUser(id), 'POST', '/api/repositories', {
    name: 'private',
    url: 'https://charts.example.com/stable',
    username: 'ana',
    password: secretPassword,
  });
  assert.equal(added.statusCode, 201, added.body);
  const shown = ChartRepository.parse(added.json());
  assert.deepEqual(
    { ...shown, createdAt: '' },
    { name: 'private', url: 'https://charts.example.com/stable', plainHttp: false, hasCredentials: true, createdAt: '' },
  );
  assert.ok(!added.body.includes(secretPassword) && !added.body.includes('ana'));

  const oci = await call(asUser(id), 'POST', '/api/repositories', {
    name: 'oci',
    url: 'oci://registry.example.com/charts',
    plainHttp: true,
    token: secretToken,
  });
  assert.equal(oci.statusCode, 201, oci.body);
  const open = await call(asUser(id), 'POST', '/api/repositories', { name: 'open', url: 'http://charts.example.com' });
  assert.equal(open.statusCode, 201, open.body);

  const listed = await call(asUser(id), 'GET', '/api/repositories');
  assert.equal(listed.statusCode, 200);
  assert.deepEqual(
    ChartRepositoryList.parse(listed.json()).map(({ name, hasCredentials, plainHttp }) => [name, hasCredentials, plainHttp]),
    [
      ['oci', true, true],
      ['open', false, false],
      ['private', true, false],
    ],
  );
  assert.ok(!listed.body.includes(secretPassword) && !listed.body.includes(secretToken));

  // At rest: no plaintext credential anywhere in the stored documents.
  const stored = JSON.stringify(await connection.collection('chartRepositories').find({ userId: id }).toArray());
  assert.ok(stored.includes('ciphertext'));
  assert.ok(!stored.includes(secretPassword) && !stored.includes(secretToken) && !stored.includes('"ana"'));

  // Another user sees none of them, and cannot remove them.
  const other = await createUser();
  assert.deepEqual((await call(asUser(other), 'GET', '/api/repositories')).json(), []);
  const notTheirs = await call(asUser(other), 'DELETE', '/api/repositories/private');
  assert.deepEqual([notTheirs.statusCode, notTheirs.json()], [404, { code: ErrorCode.NotFound, errors: ['repository private not found'] }]);

  const removed = await call(asUser(id), 'DELETE', '/api/repositories/private');
  assert.deepEqual([removed.statusCode, removed.body], [204, '']);

  // One audit event per change, naming the repository and the actor, never a credential.
  const audit = (await connection.collection('audit_outbox').find().toArray()).map((document) => JSON.parse(String(document.event)) as AuditEvent);
  const mine = audit.filter((event) => event.data.actor.userId === id);
  assert.deepEqual(mine.map((event) => [event.type, event.subject, event.data.outcome, event.data.details?.hasCredentials]).sort(), [
    ['platform.repository.added', 'repositories/oci', 'success', true],
    ['platform.repository.added', 'repositories/open', 'success', false],
    ['platform.repository.added', 'repositories/private', 'success', true],
    ['platform.repository.removed', 'repositories/private', 'success', undefined],
  ]);
  assert.ok(!JSON.stringify(audit).includes(secretPassword) && !JSON.stringify(audit).includes(secretToken));
  const again = await call(asUser(id), 'DELETE', '/api/repositories/private');
  assert.equal(again.statusCode, 404);
  assert.deepEqual(
    ChartRepositoryList.parse((await call(asUser(id), 'GET', '/api/repositories')).json()).map((repository) => repository.name),
    ['oci', 'open'],
  );
});

test('a taken name is 409/613; bad names, URLs and half credentials are 422/601; wrong types 400/600', async (t) => {
  const { call, createUser } = await build(t);
  const id = await createUser();
  const add = (body: unknown) => call(asUser(id), 'POST', '/api/repositories', body);
  assert.equal((await add({ name: 'stable', url: 'https://charts.example.com' })).statusCode, 201);
  const taken = await add({ name: 'stable', url: 'https://other.example.com', token: secretToken });
  assert.deepEqual(
    [taken.statusCode, taken.json()],
    [409, { code: ErrorCode.RepositoryNameTaken, errors: ['repository name stable is taken: remove that repository first, or choose another name'] }],
  );
  const cases: Array<[unknown, number, unknown]> = [
    [{ name: 'Stable', url: 'https://charts.example.com' }, 422, validation('repositoryname')],
    [{ name: 'a'.repeat(64), url: 'https://charts.example.com' }, 422, validation('max')],
    [{ name: '-x', url: 'https://charts.example.com' }, 422, validation('repositoryname')],
    [{ name: 'x', url: 'ftp://charts.example.com' }, 422, validation('url')],
    [{ name: 'x', url: 'https://ana:pw@charts.example.com' }, 422, validation('url')],
    [{ name: 'x', url: 'oci://registry.example.com' }, 422, validation('url')],
    [{ name: 'x', url: 'not a url' }, 422, validation('url')],
    [{ name: 'x', url: 'https://charts.example.com', username: 'ana' }, 422, validation('credentials')],
    [{ name: 'x', url: 'https://charts.example.com', username: 'ana', password: 'pw', token: 't' }, 422, validation('credentials')],
    [{ name: 'x', url: 'https://charts.example.com', plainHttp: true }, 422, validation('plainhttp')],
    [{ url: 'https://charts.example.com' }, 422, validation('required')],
    [{ name: 'x', url: 'https://charts.example.com', token: 5 }, 400, { code: ErrorCode.BadRequest, errors: ['could not process request'] }],
    [{ name: 'x', url: 'https://charts.example.com', extra: true }, 400, { code: ErrorCode.BadRequest, errors: ['could not process request'] }],
  ];
  for (const [body, status, reply] of cases) {
    const response = await add(body);
    assert.deepEqual([response.statusCode, response.json()], [status, reply], JSON.stringify(body));
  }
  const badName = await call(asUser(id), 'DELETE', '/api/repositories/Not_A_Name');
  assert.deepEqual([badName.statusCode, badName.json()], [422, validation('repositoryname')]);
});

test('a user keeps at most the allowed number of repositories', async (t) => {
  const { call, createUser } = await build(t);
  const id = await createUser();
  for (let index = 0; index < repositoriesPerUserMax; index += 1) {
    const response = await call(asUser(id), 'POST', '/api/repositories', { name: `r${index}`, url: 'https://charts.example.com' });
    assert.equal(response.statusCode, 201, response.body);
  }
  const over = await call(asUser(id), 'POST', '/api/repositories', { name: 'one-more', url: 'https://charts.example.com' });
  assert.deepEqual(
    [over.statusCode, over.json()],
    [422, { code: ErrorCode.ValidationFailed, errors: [`max validation failed: a user keeps at most ${repositoriesPerUserMax} repositories`] }],
  );
});

test('the internal route answers the credentials in plaintext to the releases service only; a deleted user takes them along', async (t) => {
  const { call, createUser } = await build(t);
  const password = 'correct horse battery staple';
  const id = await createUser('owner@example.com', password);
  await call(asUser(id), 'POST', '/api/repositories', { name: 'basic', url: 'https://charts.example.com', username: 'ana', password: secretPassword });
  await call(asUser(id), 'POST', '/api/repositories', { name: 'token', url: 'oci://registry.example.com/charts', token: secretToken });
  await call(asUser(id), 'POST', '/api/repositories', { name: 'none', url: 'https://open.example.com' });

  const read = await call(asReleases, 'GET', InternalRoutes.userRepositories(id));
  assert.equal(read.statusCode, 200);
  assert.deepEqual(RepositoryAccessList.parse(read.json()), [
    { name: 'basic', url: 'https://charts.example.com', plainHttp: false, credentials: { username: 'ana', password: secretPassword } },
    { name: 'none', url: 'https://open.example.com', plainHttp: false, credentials: null },
    { name: 'token', url: 'oci://registry.example.com/charts', plainHttp: false, credentials: { token: secretToken } },
  ]);
  for (const identity of [asGateway, asUser(id), null]) {
    const refused = await call(identity, 'GET', InternalRoutes.userRepositories(id));
    assert.equal(refused.statusCode, 403, JSON.stringify(identity));
    assert.ok(!refused.body.includes(secretPassword));
  }

  const deleted = await call(asUser(id), 'DELETE', `/api/users/${id}`, { password });
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.deepEqual((await call(asReleases, 'GET', InternalRoutes.userRepositories(id))).json(), []);
});
