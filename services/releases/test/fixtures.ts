import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newAuditEvent, type AuditDraft, type AuditRecorder } from '@platform/audit';
import type { AuditEvent, UserKubeconfig, UserKubeconfigVersion } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { helm4Bin, helmBin, kubeconfigPath } from '@platform/test-support';
import { buildApp, type ReleasesAppConfig, type ReleasesDeps } from '../src/app.js';
import type { UserKubeconfigSource } from '../src/users/kubeconfig-source.js';

const run = promisify(execFile);
export const signingSecret = 'releases-test-signing-secret';
export const userId = 7;

/** A users service stand-in (the port); the clusters behind the kubeconfig are real. */
export class FakeKubeconfigSource implements UserKubeconfigSource {
  versionCalls = 0;
  constructor(public current: Omit<UserKubeconfig, 'userId'>) {}

  set(rawKubeConfig: string, allowedContexts: string[]): void {
    this.current = { kubeconfigVersion: this.current.kubeconfigVersion + 1, rawKubeConfig, allowedContexts };
  }

  async version(id: number): Promise<UserKubeconfigVersion> {
    this.versionCalls += 1;
    return { userId: id, kubeconfigVersion: this.current.kubeconfigVersion };
  }

  async kubeconfig(id: number): Promise<UserKubeconfig> {
    return { userId: id, ...this.current };
  }
}

export async function realKubeconfig(): Promise<string> {
  return readFile(await kubeconfigPath(), 'utf8');
}

export interface TestAppOptions {
  timeoutMs?: number;
  /** Loopback endpoints the test may reach besides the test cluster. */
  allow?: string[];
  /** Settings other than the defaults below. */
  config?: Partial<ReleasesAppConfig>;
}

/** Audit events the app recorded, in order, each checked against the contract as a spool would. */
export class RecordedAudit implements AuditRecorder {
  readonly events: AuditEvent[] = [];
  record(draft: AuditDraft): Promise<void> {
    this.events.push(newAuditEvent('releases', draft));
    return Promise.resolve();
  }
}

export async function buildTestApp(deps: Partial<ReleasesDeps> = {}, options: TestAppOptions = {}) {
  const kubeconfigs =
    deps.kubeconfigs ?? new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: await realKubeconfig(), allowedContexts: ['admin', 'limited'] });
  const audit = new RecordedAudit();
  const built = buildApp(
    { audit, ...deps, kubeconfigs },
    {
      INTERNAL_SIGNING_SECRET: signingSecret,
      HELM_BIN: await helmBin(),
      CLUSTER_ADDRESS_ALLOWLIST: ['127.0.0.1:6443', '127.0.0.1:1', ...(options.allow ?? [])],
      CLIENT_CACHE_MAX: 100,
      CLIENT_CACHE_IDLE_SECONDS: 600,
      KUBE_REQUEST_TIMEOUT_MS: options.timeoutMs ?? 10_000,
      KUBE_RESPONSE_MAX_BYTES: 64 * 2 ** 20,
      RELEASE_RECORD_MAX_BYTES: 32 * 2 ** 20,
      RELEASE_REQUEST_MAX_BYTES: 128 * 2 ** 20,
      RELEASE_REPLICA_MAX_BYTES: 128 * 2 ** 20,
      RELEASE_DECODE_WORKERS: 1,
      RELEASE_BODY_CACHE_MB: 16,
      HELM_TIMEOUT_MS: 120_000,
      HELM_MAX_CONCURRENT: 8,
      HELM_MAX_CONCURRENT_PER_USER: 2,
      LOG_LEVEL: 'silent',
      ...options.config,
    },
  );
  await built.app.ready();
  return { ...built, audit };
}

type App = Awaited<ReturnType<typeof buildTestApp>>['app'];

/** A request signed as the gateway signs it for `userId`. */
export async function call(app: App, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, id = userId) {
  const headers = signIdentity(signingSecret, { kind: 'user', userId: id }, { audience: 'releases', method, url });
  return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
}

export function query(params: Record<string, string | number | boolean>): string {
  return new URLSearchParams(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]))).toString();
}

/** The helm CLI as an operator runs it, with the admin context. */
export async function helm(args: string[], driver = 'secret'): Promise<string> {
  return runHelm(await helmBin(), args, driver);
}

/** The Helm 4 CLI as an operator runs it, with the admin context. */
export async function helm4(args: string[], driver = 'secret'): Promise<string> {
  return runHelm(await helm4Bin(), args, driver);
}

async function runHelm(bin: string, args: string[], driver: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'releases-test-helm-'));
  const { stdout } = await run(bin, args, {
    env: { PATH: process.env.PATH, HOME: folder, KUBECONFIG: await kubeconfigPath(), HELM_DRIVER: driver },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

export async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', await kubeconfigPath(), '--context', 'admin', ...args]);
  return stdout;
}

export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

/** Namespaces stay Terminating without a controller manager: deletion is only requested. */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--wait=false']).catch(() => undefined);
}

/** A small chart whose one ConfigMap shows the values, with a schema requiring `greeting` to be a string. */
export async function writeDemoChart(): Promise<string> {
  const folder = join(await mkdtemp(join(tmpdir(), 'releases-test-chart-')), 'demo');
  await mkdir(join(folder, 'templates'), { recursive: true });
  await writeFile(join(folder, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.0"\ndescription: test chart\n');
  await writeFile(join(folder, 'values.yaml'), 'greeting: hello\ncount: 1\n');
  await writeFile(
    join(folder, 'values.schema.json'),
    JSON.stringify({ type: 'object', properties: { greeting: { type: 'string' }, count: { type: 'integer' } } }),
  );
  await writeFile(join(folder, 'README.md'), '# demo\n');
  await writeFile(
    join(folder, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  count: {{ .Values.count | quote }}\n',
  );
  await writeFile(join(folder, 'templates', 'NOTES.txt'), 'Installed {{ .Release.Name }}.\n');
  return folder;
}

export async function configMapData(namespace: string, name: string): Promise<Record<string, string>> {
  return JSON.parse(await kubectl(['get', 'configmap', name, '-n', namespace, '-o', 'json'])).data;
}
