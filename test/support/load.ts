import { GatewayClient, type Reply } from './client.js';

/** What the platform's requests depend on: the servers, and the services themselves. */
export type Dependency = 'redis' | 'nats' | 'ferretdb' | 'kube-apiserver' | 'users' | 'releases' | 'gateway';
export type RequestKind = 'login' | 'read-user' | 'update-user' | 'list-releases' | 'upgrade';

/**
 * What each kind of request needs. NATS is needed by none: events wait in the users' outbox. A release
 * request may need the users service and its database: it asks them for the user's kubeconfig version
 * whenever the releases replica cannot prove the version it remembers current (after a write of the
 * user's whose event has not arrived, or with NATS away), so it either succeeds or fails naming them.
 */
export const needs: Record<RequestKind, ReadonlySet<Dependency>> = {
  login: new Set(['gateway', 'redis', 'users', 'ferretdb']),
  'read-user': new Set(['gateway', 'redis', 'users', 'ferretdb']),
  'update-user': new Set(['gateway', 'redis', 'users', 'ferretdb']),
  'list-releases': new Set(['gateway', 'redis', 'users', 'ferretdb', 'releases', 'kube-apiserver']),
  upgrade: new Set(['gateway', 'redis', 'users', 'ferretdb', 'releases', 'kube-apiserver']),
};

export interface Outcome {
  kind: RequestKind;
  startedAt: number;
  endedAt: number;
  /** null when no HTTP answer came (connection refused or reset, timeout). */
  status: number | null;
  body: unknown;
  error?: string;
  /** A read that did not show a write acknowledged before it. */
  lostWrite?: boolean;
}

/** A normal answer: 2xx, or 409/606 for an upgrade while another operation is pending (the contract's answer). */
export function succeeded(outcome: Outcome): boolean {
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) return true;
  return outcome.kind === 'upgrade' && outcome.status === 409 && (outcome.body as { code?: number } | undefined)?.code === 606;
}

export interface LoadTarget {
  gatewayUrl: string;
  password: string;
  namespace: string;
  release: string;
}

export interface LoadAccount {
  id: number;
  email: string;
  /** Allowed contexts as last acknowledged (sorted). */
  contexts: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * A bounded, steady load of mixed requests through the gateway: one loop per account (reads, kubeconfig
 * updates checked by the read that follows, release lists, logins) and one loop of upgrades of one release.
 * Every request is recorded with its timing and answer. Writes are tracked: a read that shows neither the last
 * acknowledged value nor one of the unacknowledged attempts after it counts as a lost write.
 */
export class MixedLoad {
  readonly outcomes: Outcome[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  /** Values of writes that failed (they may or may not have been applied), per account, after its last acknowledged one. */
  private readonly unconfirmed = new Map<number, string[][]>();
  acknowledgedWrites = 0;

  constructor(
    private readonly target: LoadTarget,
    readonly accounts: LoadAccount[],
    private readonly pauseMs = 150,
  ) {}

  start(): void {
    this.running = true;
    this.loops = [...this.accounts.map((account) => this.accountLoop(account)), this.upgradeLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** The values an account's contexts may show now: the acknowledged one, or an unacknowledged later attempt. */
  acceptableContexts(account: LoadAccount): string[][] {
    return [account.contexts, ...(this.unconfirmed.get(account.id) ?? [])];
  }

  private client(): GatewayClient {
    const client = new GatewayClient(this.target.gatewayUrl);
    client.timeoutMs = 20_000;
    return client;
  }

  private async send(kind: RequestKind, client: GatewayClient, method: string, path: string, body?: unknown): Promise<Outcome> {
    const startedAt = Date.now();
    let reply: Reply | null = null;
    let error: string | undefined;
    try {
      reply = await client.request(method, path, body);
    } catch (failure) {
      const cause = (failure as { cause?: { code?: string; message?: string } }).cause;
      error = cause?.code ?? cause?.message ?? (failure as Error).name;
    }
    const outcome: Outcome = { kind, startedAt, endedAt: Date.now(), status: reply?.status ?? null, body: reply?.json ?? reply?.text, error };
    this.outcomes.push(outcome);
    return outcome;
  }

  private async login(client: GatewayClient, account: LoadAccount): Promise<Outcome> {
    return this.send('login', client, 'POST', '/api/login', { email: account.email, password: this.target.password });
  }

  private async accountLoop(account: LoadAccount): Promise<void> {
    const client = this.client();
    await this.login(client, account);
    const releases = `/api/releases?namespace=${this.target.namespace}&context=admin`;
    for (let round = 0; this.running; round += 1) {
      await this.update(client, account);
      await sleep(this.pauseMs);
      await this.read(client, account);
      await sleep(this.pauseMs);
      await this.send('list-releases', client, 'GET', releases);
      await sleep(this.pauseMs);
      if (round % 3 === 0) await this.login(client, account);
      await sleep(this.pauseMs);
    }
  }

  private async update(client: GatewayClient, account: LoadAccount): Promise<void> {
    const next = account.contexts.includes('limited') ? ['admin'] : ['admin', 'limited'];
    const outcome = await this.send('update-user', client, 'PUT', `/api/users/${account.id}`, { allowedContexts: next });
    if (outcome.status === 204) {
      account.contexts = next;
      this.unconfirmed.set(account.id, []);
      this.acknowledgedWrites += 1;
    } else {
      this.unconfirmed.set(account.id, [...(this.unconfirmed.get(account.id) ?? []), next]);
    }
  }

  private async read(client: GatewayClient, account: LoadAccount): Promise<void> {
    const outcome = await this.send('read-user', client, 'GET', `/api/users/${account.id}`);
    if (outcome.status !== 200) return;
    const shown = [...((outcome.body as { contexts?: string[] }).contexts ?? [])].sort();
    const match = this.acceptableContexts(account).find((value) => sameList(value, shown));
    if (!match) outcome.lostWrite = true;
    else if (match !== account.contexts) {
      account.contexts = match;
      this.unconfirmed.set(account.id, []);
    }
  }

  private async upgradeLoop(): Promise<void> {
    const client = this.client();
    const [account] = this.accounts;
    await this.login(client, account!);
    for (let round = 0; this.running; round += 1) {
      await this.send('upgrade', client, 'POST', `/api/releases/${this.target.release}/upgrade`, {
        namespace: this.target.namespace,
        context: 'admin',
        values: `message: round-${round}\n`,
      });
      await sleep(this.pauseMs * 2);
    }
  }
}
