import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { AuditEventType, ErrorCode } from '@platform/contracts';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call, userId } from './fixtures.js';

const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-memo\ndata:\n  note: {{ .Values.note | quote }}\n';

async function memoryApp() {
  const memory = new MemoryReleaseRecords();
  await memory.driver(memoryScope(userId, 'admin')).create({
    name: 'memo',
    namespace: 'in-memory',
    version: 1,
    info: { first_deployed: '2024-01-01T00:00:00Z', last_deployed: '2024-01-01T00:00:00Z', deleted: '', description: 'Install complete', status: 'deployed' },
    chart: {
      metadata: { apiVersion: 'v2', name: 'memo', version: '0.1.0' },
      templates: [{ name: 'templates/cm.yaml', data: Buffer.from(template).toString('base64') }],
      values: { note: 'first' },
    },
    config: {},
    manifest: '',
    hooks: [],
  });
  return buildTestApp({ memoryReleases: memory });
}

const target = { namespace: 'in-memory', context: 'admin', storage: 'memory' };
const values = 'note: a-values-secret\n';

test('an upgrade and a rollback leave one event each: revisions and chart versions before and after, the values by digest only; a dry run none', async (t) => {
  const { app, audit } = await memoryApp();
  t.after(() => app.close());

  assert.equal((await call(app, 'POST', '/api/releases/memo/upgrade', { ...target, values, dryRun: true })).statusCode, 200);
  assert.equal((await call(app, 'POST', '/api/releases/memo/rollback', { ...target, revision: 1, dryRun: true })).statusCode, 200);
  assert.equal(audit.events.length, 0, 'plans change nothing and leave no event');

  assert.equal((await call(app, 'POST', '/api/releases/memo/upgrade', { ...target, values })).statusCode, 200);
  assert.equal((await call(app, 'POST', '/api/releases/memo/rollback', { ...target, revision: 1 })).statusCode, 200);
  assert.deepEqual(
    audit.events.map((event) => [event.type, event.subject, event.data.outcome, event.data.actor.userId]),
    [
      [AuditEventType.releaseUpgraded, 'releases/admin/in-memory/memo', 'success', userId],
      [AuditEventType.releaseRolledBack, 'releases/admin/in-memory/memo', 'success', userId],
    ],
  );
  const [upgraded, rolledBack] = audit.events;
  assert.deepEqual(upgraded!.data.release, {
    context: 'admin',
    namespace: 'in-memory',
    name: 'memo',
    storage: 'memory',
    revisionBefore: 1,
    revisionAfter: 2,
    chartVersionBefore: '0.1.0',
    chartVersionAfter: '0.1.0',
    valuesSha256: createHash('sha256').update(values).digest('hex'),
  });
  assert.deepEqual([rolledBack!.data.release?.revisionBefore, rolledBack!.data.release?.revisionAfter, rolledBack!.data.release?.valuesSha256], [2, 3, null]);
  assert.ok(!JSON.stringify(audit.events).includes('a-values-secret'), 'the values never enter an event');
});

test('a refused operation is an event with outcome failure and the answer it got', async (t) => {
  const { app, audit } = await memoryApp();
  t.after(() => app.close());
  const response = await call(app, 'POST', '/api/releases/memo/rollback', { ...target, revision: 9 });
  assert.equal(response.statusCode, 404, response.body);
  assert.equal(audit.events.length, 1);
  const [event] = audit.events;
  assert.equal(event!.data.outcome, 'failure');
  assert.deepEqual(event!.data.error, { status: 404, code: ErrorCode.NotFound, message: response.json<{ errors: string[] }>().errors[0] });
  assert.deepEqual([event!.data.release?.revisionBefore, event!.data.release?.revisionAfter], [1, 1]);
});

test('an upgrade tells its audit the revisions it read and wrote: no storage read of its own, and the phases in Server-Timing', async (t) => {
  const { app, audit } = await memoryApp();
  t.after(() => app.close());
  const response = await call(app, 'POST', '/api/releases/memo/upgrade', { ...target, values });
  assert.equal(response.statusCode, 200, response.body);
  const phases = String(response.headers['server-timing'])
    .split(', ')
    .map((part) => part.split(';')[0]);
  assert.deepEqual(phases, ['access', 'history', 'audit-record', 'total'], 'neither audit-before nor audit-after: the audit read nothing');
  assert.deepEqual([audit.events[0]!.data.release?.revisionBefore, audit.events[0]!.data.release?.revisionAfter], [1, 2]);
});

test('an upgrade that fails before it reads the release, or after it read it, still has its revisions from storage', async (t) => {
  const { app, audit } = await memoryApp();
  t.after(() => app.close());
  const notAMap = await call(app, 'POST', '/api/releases/memo/upgrade', { ...target, values: '- a list\n' });
  assert.equal(notAMap.statusCode, 422, notAMap.body);
  const wrongToken = await call(app, 'POST', '/api/releases/memo/upgrade', { ...target, values, planToken: 'not-a-token' });
  assert.equal(wrongToken.statusCode, 409, wrongToken.body);
  assert.deepEqual(
    audit.events.map((event) => [event.data.outcome, event.data.error?.status, event.data.release?.revisionBefore, event.data.release?.revisionAfter]),
    [
      ['failure', 422, 1, 1],
      ['failure', 409, 1, 1],
    ],
  );
});
