import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UnparseableKubeconfigError, usableContexts } from '../src/domain/kubeconfig.js';

const withTokenFile = (path: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://c.example.test"}}]',
    `users: [{name: u, user: {token-file: ${JSON.stringify(path)}}}]`,
    'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
  ].join('\n');

const expected = [{ name: 'ctx', server: 'https://c.example.test', cluster: 'c', user: 'u' }];

test('a token-file is never opened: an existing file, a missing one and a FIFO read alike', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  try {
    const fifo = join(folder, 'fifo');
    // Opening a FIFO with no writer blocks forever: were the path read, this test would hang and time out.
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(usableContexts(withTokenFile(fileURLToPath(import.meta.url))), expected);
    assert.deepEqual(usableContexts(withTokenFile(join(folder, 'missing'))), expected);
    assert.deepEqual(usableContexts(withTokenFile(fifo)), expected);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('what is not a kubeconfig is refused', () => {
  for (const raw of ['just-a-word', 'null', '[1, 2]', 'clusters: [[[: not yaml', '']) {
    assert.throws(() => usableContexts(raw), UnparseableKubeconfigError, raw);
  }
});
