import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The values the plan chart renders with unless told otherwise. */
export const planChartDefaults = { greeting: 'hello', password: 'first-secret-value', replicas: 1, image: 'registry.example/web:1.0' };

/**
 * A chart of several kinds, for plans, diffs, drift and health: a ConfigMap, a Secret built from a value,
 * a Deployment, a Service, a Job and a PersistentVolumeClaim; the value `extraObjects` adds that many ConfigMaps.
 * Used by the releases service's plan, diff, drift and health tests and by the benchmark of them.
 */
export async function writePlanChart(version = '0.1.0'): Promise<string> {
  const folder = join(await mkdtemp(join(tmpdir(), 'releases-test-plan-chart-')), 'planned');
  await mkdir(join(folder, 'templates'), { recursive: true });
  await writeFile(join(folder, 'Chart.yaml'), `apiVersion: v2\nname: planned\nversion: ${version}\nappVersion: "1.0"\n`);
  await writeFile(
    join(folder, 'values.yaml'),
    `greeting: ${planChartDefaults.greeting}\npassword: ${planChartDefaults.password}\nreplicas: ${planChartDefaults.replicas}\nimage: ${planChartDefaults.image}\nextraObjects: 0\n`,
  );
  const templates: Record<string, string> = {
    'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    'secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-creds\ntype: Opaque\ndata:\n  password: {{ .Values.password | b64enc | quote }}\n  user: {{ "admin" | b64enc | quote }}\n',
    'deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-web',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
      '  selector:',
      '    matchLabels: { app: {{ .Release.Name }}-web }',
      '  template:',
      '    metadata:',
      '      labels: { app: {{ .Release.Name }}-web }',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: {{ .Values.image | quote }}',
      '',
    ].join('\n'),
    'service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  selector: { app: {{ .Release.Name }}-web }\n  ports:\n    - port: 80\n',
    'job.yaml': [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: registry.example/migrate:1',
      '',
    ].join('\n'),
    'pvc.yaml':
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}-data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n',
    'extra.yaml':
      '{{- range $index := until (int .Values.extraObjects) }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ $.Release.Name }}-extra-{{ $index }}\ndata:\n  index: {{ $index | quote }}\n{{- end }}\n',
    'NOTES.txt': 'Say {{ .Values.greeting }} to {{ .Release.Name }}.\n',
  };
  for (const [name, text] of Object.entries(templates)) await writeFile(join(folder, 'templates', name), text);
  return folder;
}
