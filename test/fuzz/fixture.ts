import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { signUp } from '../support/client.js';
import { helm, writeConfigMapChart } from '../support/helm.js';
import { sampleKubeconfig, testClusterKubeconfig } from '../support/kubeconfig.js';
import { startPlatform, type Platform } from '../support/platform.js';

/** A logged-in user of the fuzzed platform. */
export interface FuzzUser {
  id: number;
  email: string;
  password: string;
  /** The value of the session cookie. */
  session: string;
}

/**
 * Releases the helm CLI installed, so that release routes find something real: one name in three
 * namespaces, so that most pairs of a real context and a real namespace find it: `admin` reaches all
 * three, `limited` only team-a. A left-out namespace (all namespaces) meets the name's ambiguity (409/610)
 * with `admin`, and RBAC's 403/608 with `limited`.
 */
export interface FuzzReleases {
  name: string;
  installs: Array<{ namespace: string; context: 'admin' | 'limited' }>;
}

/**
 * What the fuzzer runs against: the platform as real processes on the real servers, and one user per
 * group of operations, so that what one group does to its user (a new kubeconfig, a deletion) cannot
 * spoil the session or the allowed contexts another group relies on.
 */
export interface FuzzFixture {
  platform: Platform;
  /** Allowed the test cluster's `admin` and `limited` contexts; used for the release and k8s routes. */
  clusterUser: FuzzUser;
  /** Owns the user routes (reads and updates of itself). */
  profileUser: FuzzUser;
  /** The target of DELETE /api/users/{id}; the fuzzer does not know its password. */
  deletableUser: FuzzUser;
  releases: FuzzReleases;
  teardown(): Promise<void>;
}

/** The namespace the test cluster's `limited` context may use (see scripts/servers.sh). */
const limitedNamespace = 'team-a';

export async function setUpFuzzFixture(): Promise<FuzzFixture> {
  const quiet = { LOG_LEVEL: 'warn' };
  const platform = await startPlatform({
    extraEnv: {
      users: quiet,
      releases: quiet,
      // The fuzzer sends thousands of failed logins from one address; with the production limits it would
      // meet only the throttle's 429 after the first fifty and never reach the users service's checks.
      gateway: {
        ...quiet,
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL: '1000000',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: '1000000',
        SESSION_TTL_SECONDS: '3600',
      },
    },
  });
  const name = `fuzz-${randomBytes(3).toString('hex')}`;
  const releases: FuzzReleases = {
    name,
    installs: [
      { namespace: name, context: 'admin' },
      { namespace: 'default', context: 'admin' },
      { namespace: limitedNamespace, context: 'limited' },
    ],
  };
  const teardown = async () => {
    for (const { namespace, context } of releases.installs) {
      await helm(['uninstall', name, '-n', namespace], context).catch(() => undefined);
    }
    await platform.stop();
    const mongo = await MongoClient.connect(platform.mongoUrl);
    await mongo.db().dropDatabase();
    await mongo.close();
  };
  try {
    const kubeconfig = await testClusterKubeconfig();
    const clusterUser = await fuzzUser(platform.gatewayUrl, 'cluster', { rawKubeConfig: kubeconfig, allowedContexts: ['admin', 'limited'] });
    const profileUser = await fuzzUser(platform.gatewayUrl, 'profile', { rawKubeConfig: sampleKubeconfig(), allowedContexts: ['prod-ctx'] });
    const deletableUser = await fuzzUser(platform.gatewayUrl, 'deletable');
    const chart = await writeConfigMapChart();
    for (const { namespace, context } of releases.installs) {
      // `limited` may not create namespaces; team-a exists.
      await helm(['install', name, chart, '-n', namespace, ...(context === 'admin' ? ['--create-namespace'] : [])], context);
    }
    return { platform, clusterUser, profileUser, deletableUser, releases, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

async function fuzzUser(gatewayUrl: string, label: string, update?: { rawKubeConfig: string; allowedContexts: string[] }): Promise<FuzzUser> {
  const email = `fuzz-${label}-${randomBytes(4).toString('hex')}@example.test`;
  const password = `fuzz ${randomBytes(12).toString('hex')}`;
  const { client, id } = await signUp(gatewayUrl, email, password);
  if (update) {
    const reply = await client.put(`/api/users/${id}`, update);
    if (reply.status !== 204) throw new Error(`storing the kubeconfig of the ${label} user failed: ${reply.status} ${reply.text}`);
  }
  if (!client.cookie) throw new Error(`sign-up of the ${label} user set no session cookie`);
  return { id, email, password, session: client.cookie };
}
