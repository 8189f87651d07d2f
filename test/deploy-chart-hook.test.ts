import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { find, render } from './support/chart.js';
import { freePort, startPlatform, type Platform } from './support/platform.js';

/**
 * The chart's `helm test` Pod. Pods never run on the test cluster (no kubelet), so the rendered Pod's own
 * command and environment are run here with the local node, against a real platform (real gateway, users,
 * releases, Redis, NATS and MongoDB-wire server), in place of the gateway image the Pod would use.
 */
let command: string[];
let podEnv: Record<string, string>;
let platform: Platform;

function runCheck(overrides: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  assert.equal(command[0], 'node');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      command.slice(1),
      { env: { PATH: process.env.PATH ?? '', ...podEnv, ...overrides }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

before(async () => {
  const pod = find(await render([]), 'Pod', 'platform-helm-release-platform-test');
  const [check] = pod.spec.containers as { command: string[]; env: { name: string; value: string }[] }[];
  command = check!.command;
  podEnv = Object.fromEntries(check!.env.map((entry) => [entry.name, entry.value]));
  platform = await startPlatform();
});
after(async () => {
  await platform?.stop();
});

describe('the helm test hook’s check', () => {
  test('passes against a working platform: /readyz answers 200 and the OpenAPI document is served', async () => {
    const result = await runCheck({ GATEWAY_URL: platform.gatewayUrl });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^gateway ready; OpenAPI 3\.0\.3 document with \d+ paths$/m);
  });

  test('fails when nothing answers', async () => {
    const result = await runCheck({ GATEWAY_URL: `http://127.0.0.1:${await freePort()}`, READY_ATTEMPTS: '2' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\/readyz did not answer 200 in 2 attempts \(last: .*ECONNREFUSED/);
  });

  test('fails when what answers is ready but does not serve the platform’s API document', async () => {
    const result = await runCheck({ GATEWAY_URL: platform.serviceUrl.users, READY_ATTEMPTS: '5' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\/openapi\.json answered HTTP 40\d|is not the platform's OpenAPI 3 document/);
  });
});
