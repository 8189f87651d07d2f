import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computedValues } from '../src/diff/computed-values.js';
import { changedPaths } from '../src/diff/field-paths.js';
import { unifiedDiff } from '../src/diff/line-diff.js';
import { manifestObjects } from '../src/diff/manifest-objects.js';
import { diffReleases, type ReleaseSide } from '../src/diff/release-diff.js';
import { redactManifestSecrets } from '../src/diff/secret-redaction.js';

const configMap = (name: string, greeting: string) =>
  `---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/name: demo\ndata:\n  greeting: ${greeting}\n`;
const secret = (password: string, extra = '') =>
  `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\ndata:\n  password: ${password}\n  user: YWRtaW4=\n${extra}`;
const deployment = (replicas: number, image: string) =>
  `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;

function side(revision: number | null, manifest: string, config: Record<string, unknown> = {}, version = '0.1.0', notes = ''): ReleaseSide {
  return {
    revision,
    release: {
      namespace: 'apps',
      manifest,
      config,
      chart: { metadata: { name: 'demo', version, appVersion: '1.0' }, values: { greeting: 'hello', nested: { a: 1, b: 2 } } },
      info: { status: 'deployed', notes },
    },
  };
}

test('objects are matched by kind, namespace and name: added, removed, changed with paths, unchanged counted', () => {
  const from = side(1, configMap('keep', 'hi') + configMap('gone', 'x') + deployment(1, 'web:1'));
  const to = side(2, deployment(3, 'web:2') + configMap('keep', 'hi') + configMap('new', 'y'));
  const diff = diffReleases(from, to);
  assert.deepEqual(diff.summary, { added: 1, removed: 1, changed: 1, unchanged: 1 });
  assert.deepEqual(
    diff.objects.map((object) => [object.kind, object.namespace, object.name, object.change]),
    [
      ['ConfigMap', 'apps', 'gone', 'removed'],
      ['ConfigMap', 'apps', 'new', 'added'],
      ['Deployment', 'apps', 'web', 'changed'],
    ],
  );
  const web = diff.objects.find((object) => object.kind === 'Deployment')!;
  assert.deepEqual(web.paths, ['spec.replicas', 'spec.template.spec.containers[0].image']);
  assert.match(web.diff, /^--- revision 1\n\+\+\+ revision 2\n@@ /);
  assert.match(web.diff, /\n-  replicas: 1\n\+  replicas: 3\n/);
  assert.match(web.diff, /\n-\s+- image: web:1\n\+\s+- image: web:2\n/);
  assert.match(diff.objects[1]!.diff, /@@ -0,0 \+1,\d+ @@\n\+apiVersion: v1\n/);
});

test('from nothing (an install): every object added, Secret values redacted, values and notes from none, the chart from none', () => {
  const diff = diffReleases(
    { revision: 0, release: null },
    side(null, secret('c2VjcmV0LW9uZQ==') + configMap('settings', 'hi'), { greeting: 'yo' }, '0.1.0', 'Hi.\n'),
  );
  assert.deepEqual([diff.from, diff.chartChanged], [{ revision: 0, chart: '', appVersion: '' }, true]);
  assert.deepEqual(diff.summary, { added: 2, removed: 0, changed: 0, unchanged: 0 });
  assert.deepEqual(
    diff.objects.map((object) => [object.kind, object.change, object.paths]),
    [
      ['ConfigMap', 'added', []],
      ['Secret', 'added', []],
    ],
  );
  assert.match(diff.objects[1]!.diff, /^--- none\n\+\+\+ planned\n[\s\S]*\n\+ {2}password: \(redacted\)\n/);
  for (const value of ['c2VjcmV0LW9uZQ==', 'YWRtaW4=']) assert.ok(!JSON.stringify(diff).includes(value), value);
  assert.deepEqual([diff.values.user.paths, diff.values.computed.paths], [['greeting'], ['greeting', 'nested']]);
  assert.deepEqual([diff.notes.changed, diff.notes.diff.split('\n').at(-2)], [true, '+Hi.']);
});

test('a changed Secret shows which key changed, never a value', () => {
  const before = 'c2VjcmV0LW9uZQ==';
  const after = 'c2VjcmV0LXR3bw==';
  const diff = diffReleases(side(1, secret(before)), side(2, secret(after, 'stringData:\n  token: plain-token-value\n')));
  const [change] = diff.objects;
  assert.equal(change!.change, 'changed');
  assert.deepEqual(change!.paths, ['data.password', 'stringData']);
  const text = JSON.stringify(diff);
  for (const value of [before, after, 'YWRtaW4=', 'plain-token-value']) assert.ok(!text.includes(value), value);
  assert.match(change!.diff, /\n-  password: \(redacted, before\)\n\+  password: \(redacted, after\)\n/);
  assert.match(change!.diff, /\n   user: \(redacted\)\n/);
  assert.match(change!.diff, /\n\+  token: \(redacted\)\n/);
});

test("an added or removed Secret is redacted too, and so is kubectl's copy of it", () => {
  const annotated = secret('cGFzcw==').replace(
    '  name: creds\n',
    '  name: creds\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: \'{"data":{"password":"cGFzcw=="}}\'\n',
  );
  const diff = diffReleases(side(1, annotated), side(2, ''));
  assert.equal(diff.objects[0]!.change, 'removed');
  assert.ok(!diff.objects[0]!.diff.includes('cGFzcw=='));
  assert.match(diff.objects[0]!.diff, /last-applied-configuration: \(redacted\)/);
});

test('values: user-supplied and computed, with paths; notes and chart version', () => {
  const diff = diffReleases(
    side(1, configMap('keep', 'hi'), { greeting: 'bonjour' }, '0.1.0', 'old notes\n'),
    side(2, configMap('keep', 'hi'), { greeting: 'bonjour', nested: { b: 3 } }, '0.2.0', 'new notes\n'),
  );
  assert.deepEqual(diff.values.user.paths, ['nested']);
  assert.deepEqual(diff.values.computed.paths, ['nested.b']);
  assert.match(diff.values.computed.diff, /\n-  b: 2\n\+  b: 3\n/);
  assert.equal(diff.notes.changed, true);
  assert.equal(diff.notes.diff, '--- revision 1\n+++ revision 2\n@@ -1 +1 @@\n-old notes\n+new notes\n');
  assert.deepEqual([diff.from.chart, diff.to.chart, diff.chartChanged], ['demo-0.1.0', 'demo-0.2.0', true]);
  assert.deepEqual(diff.objects, []);
});

test('identical inputs give byte-identical diffs, whatever the order of documents and keys', () => {
  const reordered = '---\napiVersion: v1\ndata:\n  greeting: hi\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/name: demo\n  name: keep\n';
  const one = JSON.stringify(diffReleases(side(1, configMap('keep', 'hi') + deployment(1, 'a')), side(null, deployment(2, 'a') + reordered)));
  const two = JSON.stringify(diffReleases(side(1, deployment(1, 'a') + configMap('keep', 'hi')), side(null, reordered + deployment(2, 'a'))));
  assert.equal(one, two);
  assert.equal(JSON.parse(one).summary.unchanged, 1);
  assert.match(one, /\+\+\+ planned/);
});

test('field paths: quoted keys, array growth, type changes', () => {
  assert.deepEqual(changedPaths({ metadata: { labels: { 'app.kubernetes.io/name': 'a' } } }, { metadata: { labels: { 'app.kubernetes.io/name': 'b' } } }), [
    'metadata.labels["app.kubernetes.io/name"]',
  ]);
  assert.deepEqual(changedPaths({ ports: [1] }, { ports: [1, 2] }), ['ports[1]']);
  assert.deepEqual(changedPaths({ a: { b: 1 } }, { a: 'text' }), ['a']);
  assert.deepEqual(changedPaths({ a: 1 }, { a: 1 }), []);
});

test('unified diff: hunks with three lines of context, far changes in separate hunks', () => {
  const lines = Array.from({ length: 20 }, (_, index) => `line ${index}`);
  const changed = lines.map((line, index) => (index === 2 || index === 17 ? `${line} changed` : line));
  const diff = unifiedDiff(`${lines.join('\n')}\n`, `${changed.join('\n')}\n`, { from: 'a', to: 'b' });
  assert.deepEqual(
    diff.split('\n').filter((line) => line.startsWith('@@')),
    ['@@ -1,6 +1,6 @@', '@@ -15,6 +15,6 @@'],
  );
  assert.equal(unifiedDiff('same\n', 'same\n', { from: 'a', to: 'b' }), '');
});

test('computed values: user wins, maps merge, null removes a default', () => {
  assert.deepEqual(computedValues({ a: 1, m: { x: 1, y: 2 }, gone: true }, { m: { y: 3 }, gone: null, extra: 'e' }), { a: 1, m: { x: 1, y: 3 }, extra: 'e' });
});

test("manifest objects: namespaces default to the release's except for cluster-scoped kinds", () => {
  const objects = manifestObjects(
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
    'apps',
  );
  assert.deepEqual(
    objects.map((object) => [object.kind, object.namespace, object.name]),
    [
      ['Namespace', '', 'n'],
      ['ConfigMap', 'other', 'c'],
      ['Service', 'apps', 's'],
    ],
  );
  assert.throws(
    () => manifestObjects('a: [unclosed', 'apps'),
    (error: { status?: number }) => error.status === 500,
  );
});

test('a manifest with its Secrets redacted: other documents byte for byte, text that is not YAML left out', () => {
  const other =
    '---\n# Source: demo/templates/pvc.yaml\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: p\nspec:\n  accessModes: [ReadWriteOnce]\n';
  const secretDocument =
    '---\n# Source: demo/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: c2VjcmV0\nstringData:\n  token: plain\n';
  const redactedManifest = redactManifestSecrets(other + secretDocument + '---\nkind: Secret\ndata: {password: [unclosed\n');
  assert.ok(redactedManifest.startsWith(other));
  assert.ok(redactedManifest.includes('# Source: demo/templates/secret.yaml\n'));
  assert.match(redactedManifest, /password: \(redacted\)\n/);
  for (const value of ['c2VjcmV0', 'plain', 'unclosed']) assert.ok(!redactedManifest.includes(value), value);
});
