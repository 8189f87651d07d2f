import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { find, installNotes, render } from './support/chart.js';
import { freePort, startPlatform, type Platform } from './support/platform.js';

/**
 * What the chart runs and tells against a working platform. Pods never run on the test cluster (no kubelet),
 * so the `helm test` Pod's own command and environment are run here with the local node, against a real
 * platform (real gateway, users, releases, Redis, NATS and MongoDB-wire server), in place of the gateway image
 * the Pod would use; and the sign-up and login commands the install's NOTES print are run as printed, with
 * curl, against the same gateway (its session cookie Secure, as the chart sets it).
 */
let command: string[];
let podEnv: Record<string, string>;
let notes: string;
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
  notes = await installNotes();
  platform = await startPlatform({ extraEnv: { gateway: { COOKIE_SECURE: 'true' } } });
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

describe('the install NOTES’ sign-up and login', () => {
  /** Runs a curl command as NOTES prints it, the port-forward's local port replaced by the gateway's; prints the HTTP status last. */
  const runCurl = (printed: string, cwd: string): Promise<{ body: string; status: number }> =>
    new Promise((resolve, reject) => {
      const gatewayPort = new URL(platform.gatewayUrl).port;
      const script = `${printed.replaceAll('http://localhost:8080', `http://localhost:${gatewayPort}`)} -w '\\n%{http_code}'`;
      execFile('sh', ['-c', script], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`${script}: ${stderr}`));
        const lines = stdout.trimEnd().split('\n');
        resolve({ status: Number(lines.pop()), body: lines.join('\n') });
      });
    });

  test('sign up and log in as printed; the session cookie lands in curl’s jar over the port-forward', async () => {
    assert.match(notes, /kubectl -n platform port-forward service\/platform-helm-release-platform-gateway 8080:8080/);
    const commands = notes.match(/^ +curl (?:.*\\\n)*.*$/gm) ?? [];
    assert.equal(commands.length, 2, notes);
    const cwd = await mkdtemp(join(tmpdir(), 'chart-notes-'));
    const [signUp, login] = commands as [string, string];
    assert.match(signUp, /-X POST http:\/\/localhost:8080\/api\/users /);
    const created = await runCurl(signUp, cwd);
    assert.equal(created.status, 201, created.body);
    assert.ok(Number.isInteger((JSON.parse(created.body) as { id: number }).id), created.body);
    assert.match(login, /-c cookies\.txt -X POST http:\/\/localhost:8080\/api\/login /);
    const loggedIn = await runCurl(login, cwd);
    assert.equal(loggedIn.status, 200, loggedIn.body);
    assert.match(await readFile(join(cwd, 'cookies.txt'), 'utf8'), /^(#HttpOnly_)?localhost\t.*\tporter_session\t[^\t\n]+$/m);
  });
});
