import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helmBin } from '@platform/test-support';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './readme-config.js';

/** The platform's own chart, its test values files, and helm run against it. */
export const chartDir = join(repoRoot, 'deploy/helm/helm-release-platform');
export const valuesFile = (name: 'default' | 'production' | 'existing-secret') => join(chartDir, 'ci', `${name}-values.yaml`);

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
      env: { PATH: process.env.PATH ?? '', HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') },
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

export async function writeValues(values: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'chart-values-')), 'values.yaml');
  await writeFile(file, values);
  return file;
}
