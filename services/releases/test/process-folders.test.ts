import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HelmCli } from '../src/helm/cli.js';
import { processFolderPrefix } from '../src/helm/process-folders.js';

test("helm run folders left by a killed process (kubeconfigs with a user's credentials) go at the next process's first run", async () => {
  const root = await mkdtemp(join(tmpdir(), 'work-root-'));
  const deadPid = spawnSync('true').pid;
  const left = {
    killed: `releases-helm-${deadPid}-0badf00d-a1`,
    earlierLife: `releases-helm-${process.pid}-0badf00d-b2`,
    running: `releases-helm-${process.ppid}-0badf00d-c3`,
    otherForm: 'releases-helm-Ab12',
  };
  for (const name of Object.values(left)) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'kubeconfig'), 'users: [{user: {token: secret}}]\n');
  }
  const bin = join(await mkdtemp(join(tmpdir(), 'fake-helm-')), 'helm');
  await writeFile(bin, '#!/bin/sh\npwd\n');
  await chmod(bin, 0o755);
  const helm = new HelmCli({ bin, timeoutMs: 10_000, workRoot: root });

  const runFolder = (await helm.run({ user: 1, args: ['version'] })).trim();
  assert.ok(runFolder.startsWith(join(root, processFolderPrefix('releases-helm-'))), runFolder);
  await helm.settled();
  assert.deepEqual((await readdir(root)).sort(), [left.otherForm, left.running].sort(), 'the killed and the earlier life are gone, the run folder too');
});
