import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kubeconfigContexts } from '../src/index.js';

const withUser = (user: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://c.example.test"}}]',
    `users: [{name: u, user: ${user}}]`,
    'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
  ].join('\n');

const names = { name: 'ctx', server: 'https://c.example.test', cluster: 'c', user: 'u' };

test('a token-file is never opened: an existing file, a missing one and a FIFO read alike', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  try {
    const fifo = join(folder, 'fifo');
    // Opening a FIFO with no writer blocks forever: were the path read, this test would hang and time out.
    execFileSync('mkfifo', [fifo]);
    const reason = 'user field token-file names a file on disk (only an inline token is supported)';
    for (const path of [fileURLToPath(import.meta.url), join(folder, 'missing'), fifo]) {
      assert.deepEqual(kubeconfigContexts(withUser(`{token-file: ${JSON.stringify(path)}}`)), [{ ...names, usable: false, reason }]);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('an exec plugin or auth provider makes the context unusable and is never run', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  try {
    const marker = join(folder, 'ran');
    const exec = `{exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: [-c, "touch ${marker}"]}}`;
    const [viaExec] = kubeconfigContexts(withUser(exec));
    assert.equal(viaExec?.usable, false);
    assert.match(viaExec?.usable === false ? viaExec.reason : '', /^user field exec runs a program/);
    const [viaProvider] = kubeconfigContexts(withUser(`{auth-provider: {name: oidc, config: {cmd-path: /bin/sh}}}`));
    assert.match(viaProvider?.usable === false ? viaProvider.reason : '', /^user field auth-provider /);
    assert.equal(existsSync(marker), false);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('client certificate and key files are refused, not read', () => {
  for (const field of ['client-certificate', 'client-key', 'tokenFile']) {
    const [context] = kubeconfigContexts(withUser(`{${field}: /etc/hostname}`));
    assert.equal(context?.usable, false, field);
    assert.match(context?.usable === false ? context.reason : '', new RegExp(`^user field ${field} names a file on disk`));
  }
});
