import type { ReleaseTarget } from '@platform/contracts';
import type { ReleaseBodyCache } from './helm/body-cache.js';
import type { HelmCli } from './helm/cli.js';
import { configMapsDriver } from './helm/drivers/configmaps.js';
import type { MemoryReleaseRecords } from './helm/drivers/memory.js';
import { secretsDriver } from './helm/drivers/secrets.js';
import type { ReleaseOperationContext, RevisionReport } from './helm/actions/operation.js';
import type { PlanTokens } from './helm/plan-tokens.js';
import type { ReleaseDecoder } from './helm/release-decoder.js';
import type { ReleaseLocks } from './helm/release-locks.js';
import { currentRequestDecoder } from './helm/request-decoding.js';
import type { PhaseTimings } from './phase-timings.js';
import { ReleaseStore } from './helm/storage.js';
import type { ClusterClient, ClusterClientCache } from './kube/cluster-clients.js';

/**
 * From a user's request to the release storage it names: the cluster client of an allowed context, and the
 * driver. Routes get their store here, so tests can hand in any kubeconfig source (kubeapps' clientGetter).
 */
export class ReleaseAccess {
  constructor(
    private readonly clusterClients: ClusterClientCache,
    private readonly decoder: ReleaseDecoder,
    private readonly memory: MemoryReleaseRecords,
    private readonly helm: HelmCli,
    private readonly locks: ReleaseLocks,
    private readonly pendingStaleAfterMs: number,
    private readonly planTokens: PlanTokens,
    private readonly bodies: ReleaseBodyCache,
  ) {}

  /** The store of the target; `namespace` stays as asked ('' is all namespaces). */
  async storeFor(userId: number, target: ReleaseTarget): Promise<{ store: ReleaseStore; client: ClusterClient }> {
    const client = await this.clusterClients.clientFor(userId, target.context);
    return { store: new ReleaseStore(this.driverOf(userId, client, target)), client };
  }

  /**
   * The store, client and namespace of one release. An empty namespace is the one namespace the release is
   * in, found by name in every namespace (404/602 in none, 409/610 in several).
   */
  async releaseStore(userId: number, target: ReleaseTarget, name: string): Promise<{ store: ReleaseStore; namespace: string; client: ClusterClient }> {
    const { store, client } = await this.storeFor(userId, target);
    return { store, client, namespace: await namespaceOf(store, target, name) };
  }

  /**
   * Runs an operation on `name` (upgrade, rollback, uninstall), one at a time per release in this process;
   * namespace as in releaseStore(). An install names its namespace (`create`): no release is looked up.
   */
  async operate<T>(
    userId: number,
    target: ReleaseTarget,
    name: string,
    operation: (context: ReleaseOperationContext) => Promise<T>,
    options: OperationOptions = {},
  ): Promise<T> {
    const context = await this.operationContext(userId, target, name, options);
    return this.locks.with(`${context.location}|${context.namespace}|${name}`, () => operation(context));
  }

  /** Plans an operation on `name` (an install: `create`, as operate()): reads only, so no lock is taken. */
  async plan<T>(
    userId: number,
    target: ReleaseTarget,
    name: string,
    planning: (context: ReleaseOperationContext) => Promise<T>,
    options: OperationOptions = {},
  ): Promise<T> {
    return planning(await this.operationContext(userId, target, name, options));
  }

  private async operationContext(
    userId: number,
    target: ReleaseTarget,
    name: string,
    { create = false, timings, revisions }: OperationOptions,
  ): Promise<ReleaseOperationContext> {
    const started = performance.now();
    const { store, client } = await this.storeFor(userId, target);
    const where = target.storage === 'memory' ? memoryScope(userId, target.context) : client.access.server.origin;
    const namespace = create ? target.namespace : await namespaceOf(store, target, name);
    timings?.add('access', performance.now() - started);
    return {
      user: userId,
      store,
      helm: this.helm,
      namespace,
      name,
      pendingStaleAfterMs: this.pendingStaleAfterMs,
      location: `${target.storage}|${where}`,
      planTokens: this.planTokens,
      cluster:
        target.storage === 'memory' ? undefined : { kubeconfig: client.helmKubeconfig, context: target.context, driver: target.storage, api: client.api },
      timings,
      revisions,
    };
  }

  /** Within a request, its records are decoded within the request's budgets (see request-decoding.ts). */
  private driverOf(userId: number, client: ClusterClient, target: ReleaseTarget) {
    const decoder = currentRequestDecoder() ?? this.decoder;
    switch (target.storage) {
      case 'secret':
        return secretsDriver(client.api, decoder, this.bodies);
      case 'configmap':
        return configMapsDriver(client.api, decoder, this.bodies);
      case 'memory':
        return this.memory.driver(memoryScope(userId, target.context));
    }
  }
}

export interface OperationOptions {
  /** An install: the release is made in the target's namespace, none is looked up. */
  create?: boolean;
  /** The request's phases (the `access` phase is this lookup; actions add theirs). */
  timings?: PhaseTimings;
  /** Handed to the operation, for an operation that reports its revisions to the audit. */
  revisions?: RevisionReport;
}

/** The target's namespace, or with an empty one the namespace the release `name` is in. */
async function namespaceOf(store: ReleaseStore, target: ReleaseTarget, name: string): Promise<string> {
  return target.namespace || (await store.last('', name)).namespace;
}

export function memoryScope(userId: number, context: string): string {
  return `${userId}/${context}`;
}
