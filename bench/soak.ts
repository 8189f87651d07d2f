import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { signUp } from '../test/support/client.js';
import { helm, writeConfigMapChart } from '../test/support/helm.js';
import { testClusterKubeconfig } from '../test/support/kubeconfig.js';
import type { Platform } from '../test/support/platform.js';
import { startBenchPlatform } from './support/bench-platform.js';
import { LoadCounters, runMixedLoad, type SoakTarget, type SoakUser } from './soak/mixed-load.js';
import { memoryGrowth, sampleService, services, tableHeader, tableRow, type Sample } from './soak/samples.js';

/**
 * `npm run soak` (scripts/soak.sh): a steady mixed load through the gateway for SOAK_SECONDS (5 minutes),
 * sampling every SOAK_SAMPLE_SECONDS each service's resident memory (/proc), heap and event-loop delay
 * (its /metrics). Exits non-zero when a service's memory after the warm-up (SOAK_WARMUP_SECONDS) grew by
 * SOAK_MAX_GROWTH (10%) or more (see memoryGrowth for how), or when any request failed. Only loopback
 * traffic; it stops by itself.
 */
const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const warmUpSeconds = Number(process.env.SOAK_WARMUP_SECONDS ?? 60);
const sampleSeconds = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const ratePerSecond = Number(process.env.SOAK_RATE ?? 50);
const workers = Number(process.env.SOAK_WORKERS ?? 8);
const maxGrowth = Number(process.env.SOAK_MAX_GROWTH ?? 0.1);
// Production's cost is 12; 10 keeps logins the costliest request without letting them take the machine.
const bcryptCost = Number(process.env.SOAK_BCRYPT_COST ?? 10);

const step = (message: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);

step(`starting the platform (users service at BCRYPT_COST=${bcryptCost})`);
const platform = await startBenchPlatform(bcryptCost);
const target: SoakTarget = { namespace: `soak-${randomBytes(3).toString('hex')}`, releaseNames: ['web', 'api', 'worker'] };
let failed = true;
try {
  const users = await soakUsers(platform, workers * 3);
  const chart = await writeConfigMapChart();
  for (const name of target.releaseNames) await helm(['install', name, chart, '-n', target.namespace, '--create-namespace']);

  step(`${seconds} s of mixed load at ${ratePerSecond} requests/s from ${workers} workers as ${users.length} users; warm-up ${warmUpSeconds} s`);
  const counters = new LoadCounters();
  const started = Date.now();
  const load = runMixedLoad(users, target, { ratePerSecond, workers, until: started + seconds * 1000 }, counters);
  const samples: Sample[] = [];
  console.log(tableHeader());
  for (let next = started + sampleSeconds * 1000; next <= started + seconds * 1000; next += sampleSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    const sampled = await Promise.all(services.map(async (name) => [name, await sampleService(platform, name)] as const));
    const sample: Sample = { atSeconds: (Date.now() - started) / 1000, load: counters.take(), services: Object.fromEntries(sampled) as Sample['services'] };
    samples.push(sample);
    console.log(tableRow(sample, sampleSeconds));
  }
  await load;
  console.log("(loop: event-loop delay by prom-client's monitorEventLoopDelay at 10 ms resolution, so about 10 ms is its floor)");

  const growth = memoryGrowth(samples, warmUpSeconds);
  console.log(`\nresident memory after the ${warmUpSeconds} s warm-up: peak of the later half against the earlier half; limit +${maxGrowth * 100}%`);
  for (const { service, earlierPeakMiB, laterPeakMiB, growth: ratio, heapPeakMiB } of growth) {
    const verdict = ratio < maxGrowth ? 'ok' : 'TOO MUCH';
    console.log(
      `${service.padEnd(9)} ${earlierPeakMiB.toFixed(1).padStart(7)} MiB → ${laterPeakMiB.toFixed(1).padStart(7)} MiB  ${(ratio * 100).toFixed(1).padStart(6)}%  ` +
        `${verdict.padEnd(8)} (V8 heap total at its peak ${heapPeakMiB.map((value) => value.toFixed(1)).join(' → ')} MiB)`,
    );
  }
  const requests = samples.reduce((sum, sample) => sum + sample.load.requests, 0);
  const failures = [...counters.failures.entries()];
  console.log(
    `\n${requests} requests, ${failures.reduce((sum, [, count]) => sum + count, 0)} failed${failures.length ? `: ${failures.map(([key, count]) => `${key} ×${count}`).join(', ')}` : ''}`,
  );
  failed = failures.length > 0 || growth.some(({ growth: ratio }) => ratio >= maxGrowth);
} finally {
  step('cleaning up');
  for (const name of target.releaseNames) await helm(['uninstall', name, '-n', target.namespace]).catch(() => undefined);
  await platform.stop();
  const mongo = await MongoClient.connect(platform.mongoUrl);
  await mongo.db().dropDatabase();
  await mongo.close();
}
process.exit(failed ? 1 : 0);

async function soakUsers(platform: Platform, count: number): Promise<SoakUser[]> {
  const kubeconfig = await testClusterKubeconfig();
  const users: SoakUser[] = [];
  for (let index = 0; index < count; index += 1) {
    const email = `soak-${index}-${randomBytes(4).toString('hex')}@example.test`;
    const password = `soak ${randomBytes(8).toString('hex')}`;
    const { client, id } = await signUp(platform.gatewayUrl, email, password);
    const reply = await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin'] });
    if (reply.status !== 204) throw new Error(`storing the kubeconfig failed: ${reply.status} ${reply.text}`);
    users.push({ client, id, email, password });
  }
  return users;
}
