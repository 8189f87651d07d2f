import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RegistryUser } from './oci-registry.js';

const run = promisify(execFile);

export interface TokenRequest {
  authorization?: string;
  scope: string[];
}

/** One `access` entry of a registry token: the actions granted on a repository. */
export interface TokenGrant {
  repository: string;
  actions: string[];
}

/**
 * A registry token server (the docker token protocol) on 127.0.0.1: `GET /token?service=
 * &scope=repository:<name>:<actions>` with the basic auth of one of `users` answers `{token, access_token}`,
 * a JWT (ES256) granting every action asked; without credentials a token granting nothing (as Docker Hub
 * answers anonymous clients, so the registry refuses them); with wrong ones 401. The JWT carries its
 * certificate (`x5c`), which is the root the registry trusts (`certificatePath`, its `rootcertbundle`).
 * `requests` keeps what each request carried, to see where credentials went.
 */
export async function startTokenServer(users: RegistryUser[]) {
  const folder = await mkdtemp(join(tmpdir(), 'test-token-server-'));
  const keyPath = join(folder, 'key.pem');
  const certificatePath = join(folder, 'certificate.pem');
  // A self-signed EC certificate: its key signs the tokens, and the registry trusts it as a root.
  const options = '-x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=test-token-issuer'.split(' ');
  await run('openssl', ['req', ...options, '-keyout', keyPath, '-out', certificatePath]);
  const key = createPrivateKey(await readFile(keyPath));
  const certificate = new X509Certificate(await readFile(certificatePath)).raw.toString('base64');
  const issuer = 'test-token-issuer';
  const service = 'test-registry';
  const requests: TokenRequest[] = [];
  const known = new Set(users.map((user) => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`));

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token.test');
    const authorization = request.headers.authorization;
    const scope = url.searchParams
      .getAll('scope')
      .flatMap((value) => value.split(' '))
      .filter(Boolean);
    requests.push({ scope, ...(authorization ? { authorization } : {}) });
    if (url.pathname !== '/token' || url.searchParams.get('service') !== service) return void response.writeHead(404).end();
    if (authorization !== undefined && !known.has(authorization)) {
      return void response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
    }
    const subject = authorization === undefined ? '' : Buffer.from(authorization.slice('Basic '.length), 'base64').toString().split(':')[0]!;
    const token = signToken(key, certificate, {
      issuer,
      service,
      subject,
      access: authorization === undefined ? [] : scope.map(accessOf),
      lifetimeSeconds: 300,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    realm: `${origin}/token`,
    issuer,
    service,
    certificatePath,
    requests,
    /** A token as the server would grant it (a CI robot's long-lived pull token, stored as a repository's `token`). */
    mint: (subject: string, access: TokenGrant[], lifetimeSeconds = 3600) => signToken(key, certificate, { issuer, service, subject, access, lifetimeSeconds }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TokenServer = Awaited<ReturnType<typeof startTokenServer>>;

/** `repository:charts/web:pull,push` */
function accessOf(scope: string): TokenGrant {
  const actions = scope.slice(scope.lastIndexOf(':') + 1);
  return { repository: scope.slice(scope.indexOf(':') + 1, scope.lastIndexOf(':')), actions: actions.split(',') };
}

interface TokenClaims {
  issuer: string;
  service: string;
  subject: string;
  access: TokenGrant[];
  lifetimeSeconds: number;
}

/** A compact JWS (ES256, the signing certificate in `x5c`) with the claims distribution checks: iss, aud, exp, nbf, access. */
function signToken(key: KeyObject, certificate: string, claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'ES256', typ: 'JWT', x5c: [certificate] });
  const payload = encode({
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.service,
    exp: now + claims.lifetimeSeconds,
    nbf: now - 1,
    iat: now,
    jti: randomUUID(),
    access: claims.access.map(({ repository, actions }) => ({ type: 'repository', name: repository, actions })),
  });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${signature.toString('base64url')}`;
}
