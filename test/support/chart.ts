import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helmBin, kubeconfigPath } from '@platform/test-support';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './readme-config.js';

/** The platform's own chart, its test values files, and helm run against it. */
export const chartDir = join(repoRoot, 'deploy/helm/helm-release-platform');
export type CiValues = 'default' | 'production' | 'existing-secret';
export const ciValues: readonly CiValues[] = ['default', 'production', 'existing-secret'];
export const valuesFile = (name: CiValues) => join(chartDir, 'ci', `${name}-values.yaml`);

const run = promisify(execFile);
let helmHome: Promise<string> | undefined;

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with its own empty home (no repositories, plugins or cache of the machine); never throws. */
export async function helm(args: string[]): Promise<HelmResult> {
  helmHome ??= mkdtemp(join(tmpdir(), 'helm-home-'));
  const home = await helmHome;
  try {
    const { stdout, stderr } = await run(await helmBin(), args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

/** A Kubernetes object as far as these tests read it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Read field by field in the tests; the shapes are Kubernetes'. */
  spec?: any;
  data?: Record<string, string>;
}

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/** `helm template` of the chart with these values files and --set flags; throws with helm's error. */
export async function render(files: string[], sets: string[] = [], release = 'platform'): Promise<KubeObject[]> {
  const args = ['template', release, chartDir, '--namespace', 'platform'];
  for (const file of files) args.push('-f', file);
  for (const set of sets) args.push('--set', set);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(result.stderr);
  return parseManifests(result.stdout);
}

/**
 * The NOTES `helm install` prints for these values files, from a client-side dry run: helm asks the test
 * cluster for its version only and creates nothing.
 */
export async function installNotes(files: string[] = []): Promise<string> {
  const args = [
    'install',
    'platform',
    chartDir,
    '--dry-run=client',
    '--namespace',
    'platform',
    '--kubeconfig',
    await kubeconfigPath(),
    '--kube-context',
    'admin',
  ];
  for (const file of files) args.push('-f', file);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(result.stderr);
  const [, notes] = result.stdout.split('\nNOTES:\n');
  assert.ok(notes, 'helm install prints NOTES');
  return notes;
}

export async function writeValues(values: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'chart-values-')), 'values.yaml');
  await writeFile(file, values);
  return file;
}

export const ofKind = (objects: KubeObject[], kind: string) => objects.filter((object) => object.kind === kind);

export function find(objects: KubeObject[], kind: string, objectName: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === objectName);
  assert.ok(found, `${kind} ${objectName} is rendered`);
  return found;
}

/** The first container of a Deployment's or StatefulSet's pods. */
export const container = (workload: KubeObject) => workload.spec.template.spec.containers[0];

/** A key of a rendered Secret, decoded. */
export function secretValue(objects: KubeObject[], secretName: string, key: string): string {
  const encoded = find(objects, 'Secret', secretName).data?.[key];
  assert.ok(encoded, `Secret ${secretName} has ${key}`);
  return Buffer.from(encoded, 'base64').toString();
}

interface Peer {
  podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
}

/** Whether a pod with these labels (same namespace) may open a connection to the policy's pods. */
export function admits(policy: KubeObject, labels: Record<string, string>): boolean {
  return (policy.spec.ingress as { from?: Peer[] }[]).some(
    (rule) =>
      rule.from === undefined ||
      rule.from.some(({ podSelector }) => {
        if (!podSelector) return false;
        const byLabel = Object.entries(podSelector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
        const byExpression = (podSelector.matchExpressions ?? []).every(({ key, operator, values }) => operator === 'In' && values.includes(labels[key] ?? ''));
        return byLabel && byExpression;
      }),
  );
}
