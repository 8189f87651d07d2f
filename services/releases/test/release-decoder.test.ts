import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { AppError } from '@platform/service-kit';
import { encodeRelease, ReleaseRecordRefusedError } from '../src/helm/codec.js';
import { ReleaseDecoder } from '../src/helm/release-decoder.js';

const sample = {
  name: 'demo',
  info: { status: 'deployed' },
  chart: { metadata: { name: 'demo', version: '0.1.0' } },
  version: 1,
  namespace: 'ns',
};
const withManifest = (bytes: number) => ({ ...sample, manifest: 'm'.repeat(bytes) });

function decoder(overrides: Partial<ConstructorParameters<typeof ReleaseDecoder>[0]> = {}) {
  return new ReleaseDecoder({
    limits: { maxEncodedChars: 3 * 2 ** 20, maxDecodedBytes: 8 * 2 ** 20 },
    requestMaxBytes: 20 * 2 ** 20,
    replicaMaxBytes: 64 * 2 ** 20,
    workers: 1,
    queueMax: 4,
    inlineMaxBytes: 64 * 1024,
    ...overrides,
  });
}

test('small records decode inline, larger ones in a worker, both as Helm wrote them (Secret data: base64 twice)', async () => {
  const pool = decoder();
  try {
    assert.deepEqual(await pool.decode(encodeRelease(sample), 1), sample);
    const large = withManifest(2 * 2 ** 20);
    assert.deepEqual(await pool.decode(Buffer.from(encodeRelease(large)).toString('base64'), 2), large);
  } finally {
    await pool.close();
  }
});

test('a gzip bomb stops at the cap; broken gzip, non-JSON, non-releases and oversized records are refused', async () => {
  const pool = decoder();
  const refusal = async (data: string) => {
    const error = await pool.decode(data, 1).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof ReleaseRecordRefusedError, String(error));
    return error.message;
  };
  try {
    assert.equal(await refusal(gzipSync(Buffer.alloc(200 * 2 ** 20), { level: 9 }).toString('base64')), 'decoded record over 8388608 bytes');
    assert.equal(await refusal(Buffer.from([0x1f, 0x8b, 0x08, 0, 0]).toString('base64')), 'stored record is not valid gzip');
    assert.equal(await refusal(gzipSync('{"a":').toString('base64')), 'stored record is not JSON');
    assert.equal(await refusal(gzipSync('[1,2]').toString('base64')), 'stored record is not a Helm release');
    assert.equal(await refusal('A'.repeat(3 * 2 ** 20 + 4)), `stored record over ${3 * 2 ** 20} characters`);
    // The pool still decodes after refusals.
    assert.equal((await pool.decode(encodeRelease(withManifest(2 * 2 ** 20)), 1)).version, 1);
  } finally {
    await pool.close();
  }
});

test("a request's records decode within its budget, inline and in workers; past it each is refused; other requests have their own", async () => {
  const pool = decoder({ requestMaxBytes: 20 * 2 ** 20 });
  const sixMiB = encodeRelease(withManifest(6 * 2 ** 20));
  const overBudget = `the request's records decode to over ${20 * 2 ** 20} bytes in all`;
  try {
    // One worker: records are decoded one after another, 6 MiB each, so three fit and the rest do not.
    const request = pool.forRequest();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => request.decode(sixMiB, 1)));
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.manifest?.length : (outcome.reason as Error).message)),
      [6 * 2 ** 20, 6 * 2 ** 20, 6 * 2 ** 20, overBudget, overBudget],
    );
    await assert.rejects(request.decode(encodeRelease(withManifest(3 * 2 ** 20)), 1), { name: 'ReleaseRecordRefusedError', message: overBudget });
    // What is left (2 MiB) still takes a record that small, decoded inline.
    assert.equal((await request.decode(encodeRelease(withManifest(1024)), 1)).version, 1);
    assert.equal((await pool.forRequest().decode(sixMiB, 1)).manifest?.length, 6 * 2 ** 20);
    // A record over the cap, with the budget still whole, is refused for the cap.
    await assert.rejects(pool.forRequest().decode(encodeRelease(withManifest(9 * 2 ** 20)), 1), { message: 'decoded record over 8388608 bytes' });
    // The pool itself (tests, the benchmark) has no budget, only the cap.
    for (let round = 0; round < 4; round += 1) assert.equal((await pool.decode(sixMiB, 1)).version, 1);
  } finally {
    await pool.close();
  }
});

test('a budget smaller than the inline bound is kept by inline decoding too', async () => {
  const pool = decoder({ requestMaxBytes: 100 * 1024 });
  const fortyKiB = encodeRelease(withManifest(40 * 1024));
  try {
    const request = pool.forRequest();
    assert.equal((await request.decode(fortyKiB, 1)).version, 1);
    assert.equal((await request.decode(fortyKiB, 1)).version, 1);
    await assert.rejects(request.decode(fortyKiB, 1), { message: `the request's records decode to over ${100 * 1024} bytes in all` });
  } finally {
    await pool.close();
  }
});

test('what the requests in flight hold counts against the replica until each is released; past it a decode is 503', async () => {
  const pool = decoder({ requestMaxBytes: 20 * 2 ** 20, replicaMaxBytes: 16 * 2 ** 20 });
  const sixMiB = encodeRelease(withManifest(6 * 2 ** 20));
  const [first, second] = [pool.forRequest(), pool.forRequest()];
  try {
    await first.decode(sixMiB, 1);
    await first.decode(sixMiB, 1);
    assert.ok(pool.heldBytes > 12 * 2 ** 20 && pool.heldBytes < 12 * 2 ** 20 + 1024, String(pool.heldBytes));
    // 4 MiB left in the replica: a small record still decodes, a 6 MiB one waits for the first request to end.
    assert.equal((await second.decode(encodeRelease(withManifest(1024)), 1)).version, 1);
    await assert.rejects(second.decode(sixMiB, 1), (error: unknown) => {
      assert.ok(error instanceof AppError, String(error));
      assert.deepEqual([error.status, error.errors, error.headers['retry-after']], [503, ['release decoding is busy, try again later'], '5']);
      return true;
    });
    first.release();
    first.release();
    assert.ok(pool.heldBytes < 2048, String(pool.heldBytes));
    assert.equal((await second.decode(sixMiB, 1)).manifest?.length, 6 * 2 ** 20);
    second.release();
    assert.equal(pool.heldBytes, 0);
    // A request released (answered, or its client went away) decodes nothing more.
    await assert.rejects(first.decode(encodeRelease(withManifest(1024)), 1), { message: 'the request is over' });
  } finally {
    await pool.close();
  }
});

test('records still waiting for a worker when their request is over are dropped, not decoded', async () => {
  const pool = decoder();
  const sixMiB = encodeRelease(withManifest(6 * 2 ** 20));
  try {
    const request = pool.forRequest();
    // One worker: the first record is decoding, two wait; then the request ends (its answer is sent).
    const outcomes = Promise.allSettled([request.decode(sixMiB, 1), request.decode(sixMiB, 1), request.decode(sixMiB, 1)]);
    request.release();
    assert.deepEqual(
      (await outcomes).map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.version : (outcome.reason as Error).message)),
      [1, 'the request is over', 'the request is over'],
    );
    assert.equal(pool.heldBytes, 0);
  } finally {
    await pool.close();
  }
});

test('beyond the queue of the worker pool, decoding is refused 503 with Retry-After, never queued', async () => {
  const pool = decoder({ queueMax: 1 });
  const big = encodeRelease(withManifest(4 * 2 ** 20));
  try {
    // One record in the worker, one waiting: the queue is full.
    const accepted = [pool.decode(big, 1), pool.decode(big, 1)];
    await assert.rejects(pool.decode(big, 1), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.status, 503);
      assert.equal(error.headers['retry-after'], '5');
      return true;
    });
    for (const release of await Promise.all(accepted)) assert.equal(release.manifest?.length, 4 * 2 ** 20);
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails only its record and is replaced', async () => {
  // A heap far too small for the record: the worker runs out of memory.
  const pool = decoder({ limits: { maxEncodedChars: 3 * 2 ** 20, maxDecodedBytes: 1024 * 2 ** 20 }, workerHeapMb: 16 });
  try {
    const huge = encodeRelease({
      ...sample,
      chart: { ...sample.chart, values: Object.fromEntries(Array.from({ length: 400_000 }, (_, i) => [`k${i}`, { v: i }])) },
    });
    await assert.rejects(pool.decode(huge, 1), /exhausted its memory/);
    assert.equal((await pool.decode(encodeRelease(withManifest(2 * 2 ** 20)), 1)).version, 1);
  } finally {
    await pool.close();
  }
});
