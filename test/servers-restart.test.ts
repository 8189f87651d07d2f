import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { PrivateServers } from './support/private-servers.js';

/**
 * `npm run servers` (scripts/servers.sh start) run while a server it started is still shutting down: the old
 * process no longer answers but has not exited yet. Start must wait for it to exit, then start the server
 * again, instead of taking the exit for a failed start-up. On a private set (the shared one stays up).
 *
 * The test makes the timing its own: FerretDB is frozen (SIGSTOP: alive, answering nothing), so start's first
 * health check of it (`mongo_ok`, 5 s) fails while the process is alive; only then is the process killed, as
 * a server that finished shutting down, and start has to notice the exit and launch a new one.
 */
const firstCheckMs = 5_000;
let servers: PrivateServers;

before(async () => {
  servers = await PrivateServers.start();
});
after(async () => servers?.dispose());

test('start waits for a server of ours that stops answering and exits, then starts it again', { timeout: 240_000 }, async () => {
  const old = await servers.pidOf('ferretdb');
  process.kill(old, 'SIGSTOP');
  const printed: string[] = [];
  let killed = false;
  let exitTimer: NodeJS.Timeout | undefined;
  try {
    await servers.resume((line) => {
      printed.push(line);
      // FerretDB is checked right after NATS is reported: its first check ends 5 s later, the waiting starts.
      if (line.startsWith('nats ')) {
        exitTimer = setTimeout(() => {
          process.kill(old, 'SIGKILL');
          killed = true;
        }, firstCheckMs + 2_500);
      }
    });
  } finally {
    clearTimeout(exitTimer);
    if (!killed) process.kill(old, 'SIGKILL');
  }

  assert.ok(killed, `the old FerretDB was still running when start finished:\n${printed.join('\n')}`);
  const now = await servers.pidOf('ferretdb');
  assert.notEqual(now, old);
  assert.ok(
    printed.some((line) => /^ferretdb\s+ok\s/.test(line) && line.endsWith(`started (pid ${now})`)),
    `start reports a new FerretDB:\n${printed.join('\n')}`,
  );

  const client = new MongoClient(servers.urls.MONGO_URL, { serverSelectionTimeoutMS: 5_000 });
  try {
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
  } finally {
    await client.close();
  }
});
