import { readFile } from 'node:fs/promises';
import { signIdentity } from '@platform/service-kit';
import { testClusterKubeconfig } from '../../test/support/kubeconfig.js';
import type { Platform } from '../../test/support/platform.js';
import { benchContext, type BenchNamespaces } from '../support/cluster.js';
import { round, type Section } from '../support/report.js';
import { inParallel, timeMs } from '../support/stats.js';
import { startUsersStandIn } from '../support/users-stand-in.js';

/**
 * Resident memory of a fresh releases service once `count` users, each with a kubeconfig for the test
 * cluster, have made one releases request, so that it caches one client (and its TLS connection) per user.
 * The users' kubeconfigs come from a stand-in for the users service (see startUsersStandIn).
 */
export async function measureClientMemory(platform: Platform, namespaces: BenchNamespaces, count: number): Promise<Section> {
  const namespace = await namespaces.create('clients');
  const standIn = await startUsersStandIn(await testClusterKubeconfig(), [benchContext]);
  const releases = await platform.addReplica('releases', { USERS_URL: standIn.url });
  try {
    const pid = releases.pid();
    if (pid === undefined) throw new Error('the releases service is not running');
    const path = `/api/releases?namespace=${namespace}&context=${benchContext}`;
    const listAs = async (userId: number) => {
      const headers = signIdentity(platform.signingSecret, { kind: 'user', userId }, { audience: 'releases', method: 'GET', url: path });
      const response = await fetch(`${releases.url}${path}`, { headers });
      if (response.status !== 200) throw new Error(`listing as user ${userId} failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    };
    await listAs(1);
    const before = await residentMiB(pid);
    const userIds = Array.from({ length: count }, (_, index) => index + 1);
    const elapsedMs = await timeMs(() => inParallel(userIds, 16, listAs));
    const after = await residentMiB(pid);
    return {
      title: `releases service memory (${count} users, one request each)`,
      figures: [{ name: `rss_mb_${count}_clients`, value: after, unit: 'MiB' }],
      details: [
        `resident ${round(before, 1)} MiB with one client, ${round(after, 1)} MiB with ${count}: ${round(((after - before) * 1024) / (count - 1), 1)} KiB per cached client`,
        `${count} first requests (client created, TLS connection opened) in ${round(elapsedMs / 1000, 1)} s`,
      ],
    };
  } finally {
    await releases.stop();
    await standIn.close();
  }
}

/** A process's resident memory, in MiB, as /proc reports it. */
async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) / 1024;
}
