import { AuditEventType, AuditEventsStream, AuditEvent } from '@platform/contracts';
import { EventBus } from '@platform/service-kit';
import { natsUrl } from '@platform/test-support';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { AuditRelay, FileAuditSpool, newAuditEvent, outboxRecorder, valuesDigest, type AuditDraft } from '../src/index.js';

const draft = (userId: number): AuditDraft => ({
  type: AuditEventType.loggedIn,
  subject: `users/${userId}`,
  data: { actor: { userId, sessionId: 'abc' }, clientAddress: '127.0.0.1', requestId: 'req-1', outcome: 'success' },
});

async function streamEvents(url: string, scope: string): Promise<AuditEvent[]> {
  const connection = await connect({ servers: url });
  try {
    const consumer = await jetstream(connection).consumers.get(`${AuditEventsStream.name}_${scope}`, { deliver_policy: DeliverPolicy.All });
    const events: AuditEvent[] = [];
    if ((await consumer.info(true)).num_pending === 0) return events;
    for await (const message of await consumer.fetch({ max_messages: 1000, expires: 2_000 })) {
      events.push(AuditEvent.parse(message.json()));
      if (message.info.pending === 0) break;
    }
    return events;
  } finally {
    await connection.close();
  }
}

test('events spooled while NATS is unreachable are published once it is, each once, and leave the spool', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'audit-spool-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const scope = `au${randomBytes(4).toString('hex')}`;
  const log = pino({ level: 'silent' });
  const spool = await FileAuditSpool.open(folder);

  // No bus yet: a relay whose publisher fails keeps everything on disk.
  const unavailable = new AuditRelay({
    outbox: spool,
    publisher: { publishAuditEvent: () => Promise.reject(new Error('nats away')) },
    onError: () => undefined,
  });
  const recorder = outboxRecorder('gateway', spool, unavailable);
  for (const userId of [1, 2, 3]) await recorder.record(draft(userId));
  await assert.rejects(unavailable.flush(), /nats away/);
  assert.equal((await readdir(folder)).filter((name) => name.endsWith('.json')).length, 3);

  // A new process (a restart) finds them and publishes them; publishing one again is stored once.
  const bus = new EventBus({ url: await natsUrl(), name: 'audit-test', log, scope });
  t.after(() => bus.close());
  await bus.connected;
  const relay = new AuditRelay({ outbox: spool, publisher: bus, onError: (error) => assert.fail(String(error)) });
  const [first] = await spool.pending(1);
  await relay.flush();
  await bus.publishAuditEvent(first!.event);
  assert.deepEqual(await readdir(folder), []);
  const stored = await streamEvents(await natsUrl(), scope);
  assert.deepEqual(
    stored.map((event) => event.data.actor.userId),
    [1, 2, 3],
  );
  assert.equal(new Set(stored.map((event) => event.id)).size, 3);
});

test('a spooled file that is not an audit event is set aside, not published and not lost', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'audit-spool-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const spool = await FileAuditSpool.open(folder);
  await writeFile(join(folder, '000000000000001-broken.json'), '{"specversion":"1.0"');
  await spool.add(newAuditEvent('releases', draft(7)));
  const pending = await spool.pending(10);
  assert.deepEqual(
    pending.map(({ event }) => event.data.actor.userId),
    [7],
  );
  assert.ok((await readdir(folder)).includes('000000000000001-broken.json.refused'));
});

test('a draft that breaks the contract is refused before it is spooled; values are named by their digest only', () => {
  assert.throws(() => newAuditEvent('gateway', { ...draft(1), subject: '' }));
  assert.equal(valuesDigest('a: 1\n'), '37b128c59f1f5097f73f82691cb519f1f568667faab5ced1b4ab979d36837eae');
  assert.equal(valuesDigest(''), null);
  assert.equal(valuesDigest(undefined), null);
});
