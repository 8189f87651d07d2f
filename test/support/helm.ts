import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helm4Bin, helmBin, kubeconfigPath } from '@platform/test-support';

const run = promisify(execFile);

/** The real helm CLI against the test cluster (or the one `kubeconfig` names): the oracle the API is checked against. */
export async function helm(args: string[], context = 'admin', kubeconfig?: string): Promise<string> {
  return runHelm(await helmBin(), args, context, kubeconfig);
}

/** The same with Helm 4 (HELM4_BIN), which reads and writes the same release records. */
export async function helm4(args: string[], context = 'admin', kubeconfig?: string): Promise<string> {
  return runHelm(await helm4Bin(), args, context, kubeconfig);
}

async function runHelm(bin: string, args: string[], context: string, kubeconfig: string | undefined): Promise<string> {
  const { stdout } = await run(bin, [...args, '--kubeconfig', kubeconfig ?? (await kubeconfigPath()), '--kube-context', context], {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), HELM_DRIVER: process.env.HELM_DRIVER ?? 'secret' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** One revision as `helm history -o json` lists it. */
export interface HelmHistoryEntry {
  revision: number;
  status: string;
  description: string;
}

/** `helm history` of a release, read by the helm CLI (the oracle). */
export async function helmHistory(release: string, namespace: string): Promise<HelmHistoryEntry[]> {
  return JSON.parse(await helm(['history', release, '-n', namespace, '-o', 'json'])) as HelmHistoryEntry[];
}

/** A chart with one ConfigMap whose data comes from values, so a change of values shows in the cluster. */
export async function writeConfigMapChart(version = '0.1.0'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chart-'));
  await mkdir(join(dir, 'templates'));
  await writeFile(
    join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: greeting\nversion: ${version}\ndescription: A greeting in a ConfigMap\nhome: https://example.test/greeting\n`,
  );
  await writeFile(join(dir, 'values.yaml'), 'message: hello\nreplicas: 1\n');
  await writeFile(
    join(dir, 'templates', 'configmap.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-greeting',
      'data:',
      '  message: {{ .Values.message | quote }}',
      '  revision: {{ .Release.Revision | quote }}',
      '',
    ].join('\n'),
  );
  return dir;
}

/**
 * Adds to a chart a pre-upgrade hook Job, rendered when the values set `slow`. helm waits for a hook Job to
 * complete, and no controller runs Jobs on the test cluster: such an upgrade stays pending until the Job is
 * completed by hand (see completeJob) or helm is stopped.
 */
export async function addWaitingHook(chart: string): Promise<void> {
  await writeFile(
    join(chart, 'templates', 'slow-hook.yaml'),
    [
      '{{- if .Values.slow }}',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-slow',
      '  annotations: { "helm.sh/hook": pre-upgrade }',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers: [{ name: wait, image: busybox, command: ["true"] }]',
      '{{- end }}',
      '',
    ].join('\n'),
  );
}
