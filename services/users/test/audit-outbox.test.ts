import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEvent, AuditEventType, type CreatedApiToken, type Identity } from '@platform/contracts';
import { build } from './helper.js';

const bySession = (userId: number): Identity => ({ kind: 'user', userId, credential: { kind: 'session', id: '0123456789abcdef' } });

test('token and repository changes leave one audit event each in the outbox, naming the session and never the secret', async (t) => {
  const { call, createUser, connection } = await build(t);
  const id = await createUser();
  const created = await call(bySession(id), 'POST', '/api/tokens', {
    name: 'ci',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    scope: { access: 'read' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const token = created.json<CreatedApiToken>();
  assert.equal((await call(bySession(id), 'DELETE', `/api/tokens/${token.id}`)).statusCode, 204);
  const repository = { name: 'private', url: 'https://charts.example.com/stable', username: 'robot', password: 'repository-password' };
  assert.equal((await call(bySession(id), 'POST', '/api/repositories', repository)).statusCode, 201);
  assert.equal((await call(bySession(id), 'DELETE', '/api/repositories/private')).statusCode, 204);

  const waiting = await connection.collection('audit_outbox').find().sort({ at: 1 }).toArray();
  const events = waiting.map((document) => AuditEvent.parse(JSON.parse(document.event as string)));
  assert.deepEqual(
    events.map((event) => [event.type, event.subject, event.data.actor]),
    [
      [AuditEventType.tokenCreated, `tokens/${token.id}`, { userId: id, sessionId: '0123456789abcdef' }],
      [AuditEventType.tokenRevoked, `tokens/${token.id}`, { userId: id, sessionId: '0123456789abcdef' }],
      [AuditEventType.repositoryAdded, 'repositories/private', { userId: id, sessionId: '0123456789abcdef' }],
      [AuditEventType.repositoryRemoved, 'repositories/private', { userId: id, sessionId: '0123456789abcdef' }],
    ],
  );
  const text = JSON.stringify(waiting);
  for (const secret of [token.token, 'repository-password']) assert.ok(!text.includes(secret), 'a secret is in an audit event');
});
