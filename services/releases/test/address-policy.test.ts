import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { ClusterAddressPolicy, unmapped } from '../src/kube/address-policy.js';

/** DNS answers chosen by the test (no traffic leaves the machine): the policy judges every address a name has. */
const answers: Record<string, string[]> = {
  'public.example': ['203.0.113.10'],
  'public-v6.example': ['2001:db8::10'],
  'private.example': ['10.0.0.5'],
  'private-172.example': ['172.20.1.1'],
  'private-192.example': ['192.168.1.10'],
  'cgnat.example': ['100.72.0.1'],
  'metadata.example': ['169.254.169.254'],
  'alibaba-metadata.example': ['100.100.100.200'],
  'oracle-metadata.example': ['192.0.0.192'],
  'azure-wireserver.example': ['168.63.129.16'],
  'mixed.example': ['203.0.113.10', '127.0.0.1'],
  'mixed-private.example': ['203.0.113.10', '10.1.2.3'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'mapped-hex.example': ['::ffff:a00:5'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'nat64-dotted.example': ['64:ff9b::10.0.0.1'],
  'sixtofour.example': ['2002:7f00:1::'],
  'compatible.example': ['::127.0.0.1'],
  'v6-metadata.example': ['fd00:ec2::254'],
  'ula.example': ['fd12:3456::1'],
  'link-local-v6.example': ['fe80::1'],
  'zoned.example': ['fe80::1%eth0'],
  'empty.example': [],
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

const refusedByDefault = [
  'https://127.0.0.1:6443',
  'https://127.1:6443',
  'https://[::1]:6443',
  'https://0.0.0.0',
  'https://[::]',
  'https://10.0.0.5',
  'https://private.example',
  'https://private-172.example',
  'https://private-192.example',
  'https://cgnat.example',
  'https://169.254.169.254',
  'https://metadata.example',
  'https://alibaba-metadata.example',
  'https://oracle-metadata.example',
  'https://azure-wireserver.example',
  'https://[64:ff9b::a83f:8110]', // Azure's host endpoint through NAT64
  'https://mixed.example',
  'https://mixed-private.example',
  'https://mapped.example',
  'https://mapped-hex.example',
  'https://[::ffff:169.254.169.254]',
  'https://nat64.example',
  'https://nat64-dotted.example',
  'https://sixtofour.example',
  'https://compatible.example',
  'https://v6-metadata.example',
  'https://ula.example',
  'https://link-local-v6.example',
  'https://zoned.example',
  'https://224.0.0.1',
  'https://255.255.255.255',
  'https://2130706433', // 127.0.0.1 as one number: the URL parser normalises it first
];

test('public addresses pass; private, shared, loopback, link-local, unspecified, metadata and their IPv6 forms do not', async () => {
  const policy = new ClusterAddressPolicy([], resolve);
  assert.equal(await verdict(policy, 'https://public.example:6443'), '203.0.113.10');
  assert.equal(await verdict(policy, 'https://168.63.129.17'), '168.63.129.17');
  assert.equal(await verdict(policy, 'https://public-v6.example'), '2001:db8::10');
  assert.equal(await verdict(policy, 'https://[2001:db8::20]'), '2001:db8::20');
  for (const server of refusedByDefault) assert.match(await verdict(policy, server), /^cluster address not allowed: /, server);
  assert.equal(await verdict(policy, 'https://nowhere.example'), 'cluster unreachable: cannot resolve nowhere.example');
  assert.equal(await verdict(policy, 'https://empty.example'), 'cluster unreachable: cannot resolve empty.example');
});

test('the operator allowlist admits CIDRs and exact host:port, private ranges included', async () => {
  const policy = new ClusterAddressPolicy(['127.0.0.1:6443', '169.254.10.0/24', '[::1]:443', '10.0.0.0/16', 'private-192.example:6443'], resolve);
  assert.equal(await verdict(policy, 'https://127.0.0.1:6443'), '127.0.0.1');
  assert.match(await verdict(policy, 'https://127.0.0.1:6444'), /not allowed/);
  assert.equal(await verdict(policy, 'https://169.254.10.7'), '169.254.10.7');
  assert.match(await verdict(policy, 'https://169.254.169.254'), /not allowed/);
  assert.equal(await verdict(policy, 'https://[::1]'), '::1');
  assert.equal(await verdict(policy, 'https://private.example'), '10.0.0.5');
  assert.match(await verdict(policy, 'https://10.1.0.5'), /not allowed/);
  assert.match(await verdict(policy, 'https://private-172.example'), /not allowed/);
  assert.equal(await verdict(policy, 'https://private-192.example:6443'), '192.168.1.10');
  assert.match(await verdict(policy, 'https://private-192.example:6444'), /not allowed/);
  // The IPv4 inside an IPv6 form is what the allowlist is asked about; a mapped address is reached as IPv4.
  assert.equal(await verdict(policy, 'https://mapped-hex.example'), '10.0.0.5');
  assert.equal(await verdict(policy, 'https://nat64-dotted.example'), '64:ff9b::10.0.0.1');
});

test('the local test cluster stays reachable with the allowlist npm start sets', async () => {
  const policy = new ClusterAddressPolicy(['127.0.0.1/32'], resolve);
  assert.equal(await verdict(policy, 'https://127.0.0.1:6443'), '127.0.0.1');
  assert.match(await verdict(policy, 'https://127.0.0.2:6443'), /not allowed/);
  assert.match(await verdict(policy, 'https://10.0.0.5'), /not allowed/);
});

test('IPv4 carried in IPv6 is read in every embedding', () => {
  assert.equal(unmapped('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(unmapped('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(unmapped('::ffff:0:a9fe:a9fe'), '169.254.169.254');
  assert.equal(unmapped('64:ff9b::a9fe:a9fe'), '169.254.169.254');
  assert.equal(unmapped('2002:c0a8:101::1'), '192.168.1.1');
  assert.equal(unmapped('::10.0.0.1'), '10.0.0.1');
  assert.equal(unmapped('::1'), '::1');
  assert.equal(unmapped('2001:db8::1'), '2001:db8::1');
  assert.equal(unmapped('203.0.113.1'), '203.0.113.1');
});
