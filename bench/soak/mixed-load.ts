import type { GatewayClient, Reply } from '../../test/support/client.js';

/** A signed-up user the load acts as, allowed the test cluster's admin context. */
export interface SoakUser {
  client: GatewayClient;
  id: number;
  email: string;
  password: string;
}

/** Where the load finds releases: installed by the helm CLI before the run. */
export interface SoakTarget {
  namespace: string;
  releaseNames: string[];
}

interface Operation {
  name: string;
  /** Share of the requests, relative to the other operations' weights. */
  weight: number;
  send(user: SoakUser, target: SoakTarget): Promise<Reply>;
  expected: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * What a day of use looks like, roughly: mostly reads, some updates (each one also makes the releases
 * service fetch the kubeconfig again), few logins (bcrypt is the costliest request there is).
 */
const operations: Operation[] = [
  { name: 'login', weight: 5, expected: 200, send: (user) => user.client.post('/api/login', { email: user.email, password: user.password }) },
  { name: 'read user', weight: 25, expected: 200, send: (user) => user.client.get(`/api/users/${user.id}`) },
  { name: 'list contexts', weight: 10, expected: 200, send: (user) => user.client.get(`/api/users/${user.id}/contexts`) },
  {
    name: 'update user',
    weight: 10,
    expected: 204,
    send: (user) => user.client.put(`/api/users/${user.id}`, { allowedContexts: pick([['admin'], ['admin', 'limited']]) }),
  },
  {
    name: 'list releases',
    weight: 35,
    expected: 200,
    send: (user, target) => user.client.get(`/api/releases?namespace=${target.namespace}&context=admin`),
  },
  {
    name: 'read release',
    weight: 15,
    expected: 200,
    send: (user, target) => user.client.get(`/api/releases/${pick(target.releaseNames)}/0?namespace=${target.namespace}&context=admin`),
  },
];
const totalWeight = operations.reduce((sum, operation) => sum + operation.weight, 0);

function chooseOperation(): Operation {
  let draw = Math.random() * totalWeight;
  for (const operation of operations) {
    draw -= operation.weight;
    if (draw < 0) return operation;
  }
  return operations[operations.length - 1]!;
}

/** Counts since the last `take()`: what the sampler prints per interval. */
export class LoadCounters {
  private latenciesMs: number[] = [];
  private failed = 0;
  /** Every failure of the whole run, by operation and status (0: no answer). */
  readonly failures = new Map<string, number>();

  record(operation: string, latencyMs: number, status: number, ok: boolean): void {
    this.latenciesMs.push(latencyMs);
    if (ok) return;
    this.failed += 1;
    const key = `${operation} → ${status}`;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  take(): { requests: number; failed: number; p99Ms: number } {
    const sorted = this.latenciesMs.sort((a, b) => a - b);
    const taken = { requests: sorted.length, failed: this.failed, p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0 };
    this.latenciesMs = [];
    this.failed = 0;
    return taken;
  }
}

/**
 * Open-loop-ish load: `workers` loops, each holding its share of `ratePerSecond` by sleeping until its
 * next slot (a slow answer delays only that worker's next request). Stops by itself at `until`. Each
 * worker acts as users of its own: a login ends the session it replaces, which would fail a request
 * another worker had in flight with it.
 */
export async function runMixedLoad(
  users: SoakUser[],
  target: SoakTarget,
  options: { ratePerSecond: number; workers: number; until: number },
  counters: LoadCounters,
): Promise<void> {
  if (users.length < options.workers) throw new Error(`${options.workers} workers need at least as many users, not ${users.length}`);
  const intervalMs = (1000 * options.workers) / options.ratePerSecond;
  const worker = async (index: number) => {
    const own = users.filter((_, userIndex) => userIndex % options.workers === index);
    let next = Date.now() + (intervalMs * index) / options.workers;
    while (Date.now() < options.until) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      next = Math.max(next + intervalMs, Date.now() - intervalMs);
      const operation = chooseOperation();
      const started = performance.now();
      let status = 0;
      try {
        status = (await operation.send(pick(own), target)).status;
      } catch {
        // no answer (connection refused or reset): counted as status 0
      }
      counters.record(operation.name, performance.now() - started, status, status === operation.expected);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, index) => worker(index)));
}
