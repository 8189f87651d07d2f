import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserEvent, UserEventsStream } from '@platform/contracts';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/**
 * A NATS server of the suite's own, for tests that stop and restart it (the shared one must stay up for
 * the other suites). Its JetStream store survives restarts, as a real deployment's does.
 */
export class PrivateNatsServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  static async start(port: number): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(port, await mkdtemp(join(tmpdir(), 'nats-')));
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
    this.child = spawn(binary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
      env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` },
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await listening(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private nats-server did not start');
  }

  async pause(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The kubeconfig versions each user's events carry on a platform's scoped JetStream stream, in stream order
 * (what every consumer will be delivered).
 */
export async function eventVersionsOnStream(url: string, scope: string): Promise<Map<number, number[]>> {
  const connection = await connect({ servers: url });
  try {
    const consumer = await jetstream(connection).consumers.get(`${UserEventsStream.name}_${scope}`, { deliver_policy: DeliverPolicy.All });
    const versions = new Map<number, number[]>();
    const info = await consumer.info(true);
    if (info.num_pending === 0) return versions;
    const batch = await consumer.fetch({ max_messages: 100_000, expires: 2_000 });
    for await (const message of batch) {
      const event = UserEvent.parse(message.json());
      versions.set(event.userId, [...(versions.get(event.userId) ?? []), event.kubeconfigVersion]);
      if (message.info.pending === 0) break;
    }
    return versions;
  } finally {
    await connection.close();
  }
}
