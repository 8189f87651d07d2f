import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A chart whose manifest is about `manifestKiB` of YAML, as a real application's is (several ConfigMaps of
 * settings): words drawn by a fixed pseudo-random sequence, so that it compresses about as well as real
 * configuration does rather than collapsing to nothing. Helm stores the templates (base64) and the rendered
 * manifest in every revision. Takes `message` like the ConfigMap chart, so both are upgraded alike.
 */
export async function writeLargeChart(manifestKiB = 300): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-large-chart-'));
  await mkdir(join(dir, 'templates'));
  await writeFile(
    join(dir, 'Chart.yaml'),
    'apiVersion: v2\nname: settings\nversion: 1.0.0\nappVersion: "2.4.1"\ndescription: An application with a lot of configuration\n',
  );
  await writeFile(join(dir, 'values.yaml'), 'message: hello\n');
  const words =
    'alpha bravo cache delta endpoint feature gateway host interval jitter keepalive limit metrics node order pool queue retry shard timeout upstream verbose weight xfer yield zone'.split(
      ' ',
    );
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const configMaps = 8;
  const linesPerMap = Math.ceil((manifestKiB * 1024) / configMaps / 60);
  for (let map = 0; map < configMaps; map += 1) {
    const lines = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: {{ .Release.Name }}-settings-${map}`,
      'data:',
      '  message: {{ .Values.message | quote }}',
    ];
    for (let line = 0; line < linesPerMap; line += 1) {
      const value = Array.from({ length: 5 }, () => words[next() % words.length]).join('-');
      lines.push(`  setting-${line}: "${value}-${next() % 100000}"`);
    }
    await writeFile(join(dir, 'templates', `settings-${map}.yaml`), `${lines.join('\n')}\n`);
  }
  return dir;
}
