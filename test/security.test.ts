import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { GatewayClient, signUp } from './support/client.js';
import { sampleKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';
import { repoRoot } from './support/readme-config.js';

/**
 * The security checks of a running platform (real processes, real servers). Every secret used is random and
 * remembered, so the last test can look for each of them in everything the services logged.
 */
let platform: Platform;
const secretsUsed: string[] = [];
const remember = <T extends string>(secret: T): T => {
  secretsUsed.push(secret);
  return secret;
};
const newEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`;
const newPassword = () => remember(`pw-${randomBytes(12).toString('hex')}`);

before(async () => {
  platform = await startPlatform({
    extraEnv: {
      // Production's bcrypt cost order of magnitude, so timing differences would show; debug logs, so that
      // more of what the services do is in the logs searched for secrets.
      users: { BCRYPT_COST: '10', LOG_LEVEL: 'debug' },
      gateway: {
        LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: '1000',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL: '1000',
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000',
        LOG_LEVEL: 'debug',
      },
      releases: { LOG_LEVEL: 'debug' },
    },
  });
});
after(async () => {
  await platform?.stop();
});

/** Signs up through the gateway and remembers the password and session cookie as secrets. */
async function newUser(label: string): Promise<{ client: GatewayClient; id: number; email: string; password: string }> {
  const email = newEmail(label);
  const password = newPassword();
  const { client, id } = await signUp(platform.gatewayUrl, email, password);
  remember(client.cookie!);
  return { client, id, email, password };
}

describe('sessions', () => {
  test('a session id chosen by the client is never adopted: login answers with a new one, the chosen one opens nothing', async () => {
    const { id, email, password } = await newUser('fixation');
    const chosen = remember(randomBytes(32).toString('base64url'));
    const victim = new GatewayClient(platform.gatewayUrl);
    victim.cookie = chosen;
    assert.equal((await victim.post('/api/login', { email, password })).status, 200);
    assert.ok(victim.cookie && victim.cookie !== chosen, 'a fresh session id was set');
    remember(victim.cookie);
    const attacker = new GatewayClient(platform.gatewayUrl);
    attacker.cookie = chosen;
    assert.equal((await attacker.get(`/api/users/${id}`)).status, 403);
    assert.equal((await victim.get(`/api/users/${id}`)).status, 200);
  });

  test('a real session planted in a browser ends when its victim logs in', async () => {
    const attacker = await newUser('planter');
    const victim = await newUser('planted');
    const planted = new GatewayClient(platform.gatewayUrl);
    planted.cookie = attacker.client.cookie;
    assert.equal((await planted.post('/api/login', { email: victim.email, password: victim.password })).status, 200);
    assert.notEqual(planted.cookie, attacker.client.cookie);
    remember(planted.cookie!);
    assert.equal((await attacker.client.get(`/api/users/${attacker.id}`)).status, 403, 'the planted session was ended');
    assert.equal((await planted.get(`/api/users/${victim.id}`)).status, 200);
    assert.equal((await planted.get(`/api/users/${attacker.id}`)).status, 403);
  });
});

describe('cross-origin requests', () => {
  const refused = { code: ErrorCode.CrossOriginRefused, errors: [ErrorMessage.crossOriginRefused] };
  const evil = { origin: 'https://evil.example' };

  test('state changes from another origin are refused 403 and change nothing', async () => {
    const { client, id, email, password } = await newUser('origin');
    const login = await new GatewayClient(platform.gatewayUrl).request('POST', '/api/login', { email, password }, evil);
    assert.equal(login.status, 403);
    assert.deepEqual(login.json, refused);
    assert.equal(login.headers.getSetCookie().length, 0, 'no session was made');

    const update = await client.request(
      'PUT',
      `/api/users/${id}`,
      { rawKubeConfig: sampleKubeconfig(), allowedContexts: ['prod-ctx'] },
      { referer: 'https://evil.example/form' },
    );
    assert.equal(update.status, 403);
    assert.deepEqual(update.json, refused);
    const removal = await client.request('DELETE', `/api/users/${id}`, { password }, evil);
    assert.equal(removal.status, 403);
    const logout = await client.request('POST', '/api/logout', undefined, { origin: 'null' });
    assert.equal(logout.status, 403);

    const user = await client.get(`/api/users/${id}`);
    assert.equal(user.status, 200, 'still logged in, still there');
    assert.deepEqual((user.json as { contexts: string[] }).contexts, [], 'unchanged');
  });

  test("the gateway's own origin, and clients that send no Origin or Referer, may change state; reads pass from anywhere", async () => {
    const { client, id } = await newUser('same-origin');
    const own = new URL(platform.gatewayUrl).origin;
    const update = await client.request('PUT', `/api/users/${id}`, { rawKubeConfig: sampleKubeconfig(), allowedContexts: ['prod-ctx'] }, { origin: own });
    assert.equal(update.status, 204);
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: [] })).status, 204, 'no Origin, no Referer: curl');
    assert.equal((await client.request('GET', `/api/users/${id}`, undefined, evil)).status, 200);
    const docs = await client.request('POST', '/api/logout', undefined, { referer: `${own}/docs/` });
    assert.equal(docs.status, 200, 'Swagger UI on the gateway may try operations');
  });
});

describe('login timing', () => {
  test('an unknown email takes as long as a wrong password (no user enumeration by timing)', async (t) => {
    const { email } = await newUser('timing');
    const attempt = async (body: { email: string; password: string }) => {
      const started = performance.now();
      const reply = await new GatewayClient(platform.gatewayUrl).post('/api/login', body);
      assert.equal(reply.status, 401);
      return performance.now() - started;
    };
    const unknown = () => attempt({ email: newEmail('nobody'), password: 'guess' });
    const wrong = () => attempt({ email, password: 'guess' });
    for (let warmUp = 0; warmUp < 3; warmUp++) await Promise.all([unknown(), wrong()]);
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    // In pairs sent together, so whatever else loads the (shared) machine at that moment weighs on both alike.
    for (let round = 0; round < 15; round++) {
      const [unknownTime, wrongTime] = await Promise.all([unknown(), wrong()]);
      unknownTimes.push(unknownTime);
      wrongTimes.push(wrongTime);
    }
    const [unknownMedian, wrongMedian] = [median(unknownTimes), median(wrongTimes)];
    const difference = Math.abs(unknownMedian - wrongMedian) / Math.max(unknownMedian, wrongMedian);
    const report = `median unknown email ${unknownMedian.toFixed(1)} ms, wrong password ${wrongMedian.toFixed(1)} ms`;
    t.diagnostic(report);
    assert.ok(Math.min(unknownMedian, wrongMedian) >= 10, `bcrypt (cost 10) must run for both: ${report}`);
    assert.ok(difference < 0.25, `${report}: ${(difference * 100).toFixed(0)} % apart`);
  });
});

describe('security headers', () => {
  test("on the gateway's answers: its own, its errors, proxied ones and the docs page", async () => {
    const { client, id } = await newUser('headers');
    const answers = await Promise.all([
      client.get(`/api/users/${id}`),
      client.get('/api/no-such-route'),
      new GatewayClient(platform.gatewayUrl).get(`/api/users/${id}`),
      client.get('/docs/'),
      client.get('/openapi.json'),
    ]);
    assert.deepEqual(
      answers.map((reply) => reply.status),
      [200, 404, 403, 200, 200],
    );
    for (const reply of answers) {
      assert.match(reply.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(reply.headers.get('x-frame-options'), 'DENY');
      assert.match(reply.headers.get('strict-transport-security') ?? '', /^max-age=[1-9]/);
      assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(reply.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(reply.headers.get('x-powered-by'), null);
    }
  });
});

describe('body size limits', () => {
  const threeMiB = 3 * 1024 * 1024;
  const tooLarge = { code: ErrorCode.BadRequest, errors: [ErrorMessage.bodyTooLarge] };

  test('the gateway answers a 3 MiB JSON body 413 in the contract shape, logged in or not', async () => {
    assert.deepEqual(await sendLargeBody(`${platform.gatewayUrl}/api/users`, 'POST', {}, threeMiB), { status: 413, body: tooLarge });
    const { client, id } = await newUser('big-kubeconfig');
    const cookie = { cookie: `porter_session=${client.cookie}` };
    assert.deepEqual(await sendLargeBody(`${platform.gatewayUrl}/api/users/${id}`, 'PUT', cookie, threeMiB), { status: 413, body: tooLarge });
  });

  test('so do the services, to a caller that reaches them directly with a valid signature', async () => {
    const { id } = await newUser('big-direct');
    const direct = (service: 'users' | 'releases', method: string, path: string) => {
      const headers = signIdentity(platform.signingSecret, { kind: 'user', userId: id }, { audience: service, method, url: path });
      remember(headers['x-platform-signature']!);
      return sendLargeBody(platform.serviceUrl[service] + path, method, headers, 2 * threeMiB);
    };
    assert.deepEqual(await direct('users', 'PUT', `/api/users/${id}`), { status: 413, body: tooLarge });
    assert.deepEqual(await direct('releases', 'POST', '/api/releases/web/upgrade'), { status: 413, body: tooLarge });
  });
});

/**
 * Starts a JSON body of `bytes` (declared in Content-Length) and reads the answer. A server refuses it on
 * the declared length, before reading the body; sending the whole of it would race the answer with the
 * server closing the connection on the unread rest (a reset that can swallow the 413).
 */
function sendLargeBody(url: string, method: string, headers: Record<string, string>, bytes: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(bytes) } });
    request.once('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.once('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.once('error', reject);
    request.write('{"rawKubeConfig":"');
  });
}

describe('logs', () => {
  test('never contain the passwords, kubeconfig token, session cookies or signatures used', async () => {
    const { client, id } = await newUser('logs');
    const token = remember(`token-${randomBytes(16).toString('hex')}`);
    const kubeconfig = sampleKubeconfig().replace('sample-token-value-0123456789', token);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['prod-ctx'] })).status, 204);
    assert.equal((await client.get(`/api/users/${id}`)).status, 200);
    // The releases service reads the kubeconfig from the users service to reach the (unreachable) cluster.
    assert.notEqual((await client.get('/api/k8s/namespaces?context=prod-ctx')).status, 200);
    const logs = platform.logs();
    assert.ok(logs.split('\n').length > 100, 'the services logged their requests');
    assert.ok(secretsUsed.length >= 15, `${secretsUsed.length} secrets used`);
    for (const secret of secretsUsed) assert.ok(!logs.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the logs`);
  });
});

describe('dependencies', () => {
  test('npm audit --omit=dev finds nothing high or critical', async (t) => {
    const { code, stdout } = await run('npm', ['audit', '--omit=dev', '--audit-level=high', '--json']);
    const report = JSON.parse(stdout || '{}') as { metadata?: { vulnerabilities?: Record<string, number> }; message?: string };
    const counts = report.metadata?.vulnerabilities;
    if (!counts) {
      // Only the registry's audit endpoint can say; some mirrors do not offer it (405 here).
      t.skip(`the npm audit endpoint did not answer: ${report.message ?? stdout.slice(0, 200)}`);
      return;
    }
    assert.equal((counts.high ?? 0) + (counts.critical ?? 0), 0, JSON.stringify(counts));
    assert.equal(code, 0);
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: repoRoot, maxBuffer: 32 * 1024 * 1024, timeout: 120_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout });
    });
  });
}
