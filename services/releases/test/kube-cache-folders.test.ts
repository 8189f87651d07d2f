import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HelmCli } from '../src/helm/cli.js';
import { KubeCacheFolders } from '../src/helm/kube-cache-folders.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

test('one private folder per kubeconfig, kept while used, removed when evicted and on close', async () => {
  const folders = new KubeCacheFolders({ max: 2, idleSeconds: 600 });
  const first = await folders.folderFor('kubeconfig of alice');
  assert.equal(await folders.folderFor('kubeconfig of alice'), first);
  const second = await folders.folderFor('kubeconfig of bob');
  assert.notEqual(second, first);
  assert.equal(dirname(second), dirname(first));
  assert.ok(!first.includes('alice'), 'the folder name does not carry the kubeconfig');
  assert.equal((await stat(dirname(first))).mode & 0o777, 0o700);

  await mkdir(first);
  await folders.folderFor('kubeconfig of carol');
  await sleep(50);
  assert.equal(await exists(first), false, 'the least recently used folder is removed');

  await folders.close();
  assert.equal(await exists(dirname(first)), false);
});

test('helm runs with a kubeconfig get its cache folder as KUBECACHEDIR; runs without one get none', async () => {
  const bin = join(await mkdtemp(join(tmpdir(), 'fake-helm-')), 'helm');
  await writeFile(bin, '#!/bin/sh\nprintf "%s" "${KUBECACHEDIR:-none}"\n');
  await chmod(bin, 0o755);
  const folders = new KubeCacheFolders({ max: 4, idleSeconds: 600 });
  const helm = new HelmCli({ bin, timeoutMs: 10_000, kubeCaches: folders });
  const kubeconfig = { text: 'apiVersion: v1\nkind: Config\n', context: 'ctx' };

  const used = await helm.run({ user: 1, args: ['upgrade'], kubeconfig });
  assert.equal(used, await folders.folderFor(kubeconfig.text));
  assert.equal(await helm.run({ user: 1, args: ['upgrade'], kubeconfig }), used, 'the next run reuses it');
  assert.equal(await helm.run({ user: 1, args: ['template'] }), 'none');
  await folders.close();
});

test('the folders of a killed process are removed by the next one, those of running processes are kept', async () => {
  const deadPid = spawnSync('true').pid;
  const abandoned = join(tmpdir(), `releases-kube-cache-${deadPid}-0badf00d-test`);
  const running = join(tmpdir(), `releases-kube-cache-${process.ppid}-0badf00d-test`);
  await mkdir(join(abandoned, 'discovery'), { recursive: true });
  await mkdir(running, { recursive: true });
  const folders = new KubeCacheFolders({ max: 4, idleSeconds: 600 });
  try {
    await folders.folderFor('kubeconfig of erin');
    assert.equal(await exists(abandoned), false);
    assert.equal(await exists(running), true);
  } finally {
    await folders.close();
    await rm(running, { recursive: true, force: true });
    await rm(abandoned, { recursive: true, force: true });
  }
});
