import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { ClusterAddressPolicy } from '../src/kube/address-policy.js';

/** DNS answers chosen by the test: the policy must judge every address a name resolves to. */
const answers: Record<string, string[]> = {
  'public.example': ['203.0.113.10'],
  'private.example': ['10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['203.0.113.10', '127.0.0.1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'v6-metadata.example': ['fd00:ec2::254'],
  'link-local-v6.example': ['fe80::1'],
};
const resolve = async (host: string) => answers[host] ?? Promise.reject(new Error('ENOTFOUND'));

async function verdict(policy: ClusterAddressPolicy, server: string): Promise<string> {
  try {
    return await policy.check(new URL(server));
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.status, 502);
    assert.equal(error.code, ErrorCode.ClusterUnreachable);
    return error.errors[0]!;
  }
}

test('public and private addresses pass; loopback, link-local, unspecified and metadata do not', async () => {
  const policy = new ClusterAddressPolicy([], resolve);
  assert.equal(await verdict(policy, 'https://public.example:6443'), '203.0.113.10');
  assert.equal(await verdict(policy, 'https://private.example'), '10.0.0.5');
  for (const server of [
    'https://127.0.0.1:6443',
    'https://[::1]:6443',
    'https://0.0.0.0',
    'https://169.254.169.254',
    'https://metadata.example',
    'https://mixed.example',
    'https://mapped.example',
    'https://v6-metadata.example',
    'https://link-local-v6.example',
  ]) {
    assert.match(await verdict(policy, server), /^cluster address not allowed: /, server);
  }
  assert.equal(await verdict(policy, 'https://nowhere.example'), 'cluster unreachable: cannot resolve nowhere.example');
});

test('the operator allowlist admits CIDRs and exact host:port', async () => {
  const policy = new ClusterAddressPolicy(['127.0.0.1:6443', '169.254.10.0/24', '[::1]:443'], resolve);
  assert.equal(await verdict(policy, 'https://127.0.0.1:6443'), '127.0.0.1');
  assert.match(await verdict(policy, 'https://127.0.0.1:6444'), /not allowed/);
  assert.equal(await verdict(policy, 'https://169.254.10.7'), '169.254.10.7');
  assert.match(await verdict(policy, 'https://169.254.169.254'), /not allowed/);
  assert.equal(await verdict(policy, 'https://[::1]'), '::1');
});
