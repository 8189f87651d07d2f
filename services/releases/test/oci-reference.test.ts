import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@platform/service-kit';
import { listOciChartVersions, pullOciChart } from '../src/charts/oci-registry.js';

// A reference the fuzzer sent (it passes the contract's pattern but is no URL): 400/600 before any request.
const notAUrl = 'oci://\u00a1\u{ac88d}\u00c1\u{4bda7}\u001aW\u00c5\u00bb\u00ae\u0012/h8/mwh';
const options = { policy: undefined as never, timeoutMs: 1000 };

test('an oci:// reference that is not a URL is refused 400/600, not a 500', async () => {
  for (const attempt of [() => listOciChartVersions(notAUrl, true, options), () => pullOciChart(notAUrl, false, '1.0.0', options)]) {
    await assert.rejects(attempt(), (error: unknown) => error instanceof AppError && error.status === 400 && error.code === 600);
  }
});
