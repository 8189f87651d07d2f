import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMetadataList, MalformedProtobufError, protobufStatusMessage } from '../src/kube/object-metadata.js';

// A minimal protobuf writer, enough to build what the apiserver sends (field numbers from meta/v1 generated.proto).
function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}
const bytesField = (field: number, payload: number[] | string) => {
  const data = typeof payload === 'string' ? [...Buffer.from(payload)] : payload;
  return [...varint(field * 8 + 2), ...varint(data.length), ...data];
};
const varintField = (field: number, value: number) => [...varint(field * 8), ...varint(value)];
const envelope = (raw: number[]) => Buffer.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, bytesField(2, 'PartialObjectMetadataList')), ...bytesField(2, raw)]);

function objectMeta(name: string, labels: Record<string, string>, namespace = 'ns'): number[] {
  return [
    ...bytesField(1, name),
    ...bytesField(3, namespace),
    ...bytesField(5, `uid-${name}`),
    ...bytesField(6, '42'),
    ...varintField(7, 3),
    ...Object.entries(labels).flatMap(([key, value]) => bytesField(11, [...bytesField(1, key), ...bytesField(2, value)])),
    // managedFields: skipped without being read.
    ...bytesField(17, bytesField(1, 'helm')),
  ];
}

const labelKeys = ['name', 'status', 'version'];

test('reads name, namespace, uid, resourceVersion and the asked labels of every item, skipping the rest', () => {
  const list = [
    ...bytesField(1, bytesField(2, '1234')),
    ...bytesField(2, bytesField(1, objectMeta('sh.helm.release.v1.a.v1', { name: 'a', owner: 'helm', status: 'deployed', version: '1' }))),
    ...bytesField(2, bytesField(1, objectMeta('other', {}))),
  ];
  assert.deepEqual(decodeMetadataList(envelope(list), labelKeys), [
    {
      name: 'sh.helm.release.v1.a.v1',
      namespace: 'ns',
      uid: 'uid-sh.helm.release.v1.a.v1',
      resourceVersion: '42',
      labels: { name: 'a', status: 'deployed', version: '1' },
    },
    { name: 'other', namespace: 'ns', uid: 'uid-other', resourceVersion: '42', labels: {} },
  ]);
  assert.deepEqual(decodeMetadataList(envelope([]), labelKeys), []);
});

test('anything truncated or without the envelope is refused, never misread', () => {
  const item = bytesField(2, bytesField(1, objectMeta('x', { name: 'x' })));
  const whole = envelope(item);
  for (let cut = 1; cut < whole.length; cut += 7) {
    assert.throws(() => decodeMetadataList(whole.subarray(0, whole.length - cut), labelKeys), MalformedProtobufError);
  }
  assert.throws(() => decodeMetadataList(Buffer.from('{"items":[]}'), labelKeys), MalformedProtobufError);
  assert.throws(() => decodeMetadataList(envelope([0x0b]), labelKeys), MalformedProtobufError);
});

test('values that repeat from item to item are read right whatever came before: namespaces, prefixes, many versions', () => {
  const items: Array<[string, Record<string, string>, string]> = [
    ['a1', { status: 'deployed', version: '1' }, 'team-a'],
    ['b1', { status: 'deploy', version: '1' }, 'team-b'],
    ['a2', { status: 'deployed', version: '10' }, 'team-a'],
    ['c1', { status: 'deployedx', version: '2' }, 'team'],
    ...Array.from({ length: 40 }, (_, index): [string, Record<string, string>, string] => [
      `v${index}`,
      { status: 'failed', version: String(index) },
      `ns-${index % 20}`,
    ]),
  ];
  const list = items.flatMap(([name, labels, namespace]) => bytesField(2, bytesField(1, objectMeta(name, labels, namespace))));
  const decoded = decodeMetadataList(envelope(list), labelKeys);
  assert.deepEqual(
    decoded.map((item) => [item.name, item.labels, item.namespace]),
    items,
  );
});

test('the message of a protobuf Status', () => {
  const status = envelope([...bytesField(2, 'Failure'), ...bytesField(3, 'secrets is forbidden: User "x" cannot list'), ...varintField(6, 403)]);
  assert.equal(protobufStatusMessage(status), 'secrets is forbidden: User "x" cannot list');
  assert.equal(protobufStatusMessage(Buffer.from('not protobuf')), undefined);
});
