import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { KubeconfigParseError, kubeconfigContexts, kubeconfigLimits, type KubeconfigContext } from '../src/index.js';

interface Entries {
  clusters?: unknown[];
  users?: unknown[];
  contexts?: unknown[];
}

const kubeconfig = (entries: Entries) => stringify({ apiVersion: 'v1', kind: 'Config', ...entries });
const oneContext = (cluster: unknown, user: unknown, context: Record<string, unknown> = {}) =>
  kubeconfig({
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', ...context } }],
  });

function reasonOf(contexts: KubeconfigContext[]): string | undefined {
  const [context] = contexts;
  assert.ok(context, 'one context');
  return context.usable ? undefined : context.reason;
}

test('inline credentials make a usable context with all of its access', () => {
  const contexts = kubeconfigContexts(
    oneContext(
      { server: 'https://c.example.test:6443', 'certificate-authority-data': 'Q0E=', 'tls-server-name': 'api.internal', 'insecure-skip-tls-verify': false },
      { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ', token: 't0ken', username: 'admin', password: 'pw' },
      { namespace: 'team-a' },
    ),
  );
  assert.equal(contexts.length, 1);
  const [context] = contexts;
  assert.ok(context?.usable);
  assert.deepEqual(
    { ...context.access, server: context.access.server.href },
    {
      context: 'ctx',
      namespace: 'team-a',
      server: 'https://c.example.test:6443/',
      caData: 'Q0E=',
      insecureSkipTlsVerify: false,
      tlsServerName: 'api.internal',
      clientCertificateData: 'Q0VSVA==',
      clientKeyData: 'S0VZ',
      token: 't0ken',
      username: 'admin',
      password: 'pw',
    },
  );
  assert.deepEqual([context.name, context.cluster, context.user, context.server], ['ctx', 'c', 'u', 'https://c.example.test:6443']);
});

test('a user without credentials is usable (anonymous), the namespace defaults to default', () => {
  const [context] = kubeconfigContexts(
    kubeconfig({
      clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:8080' } }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  assert.ok(context?.usable);
  assert.equal(context.access.namespace, 'default');
  assert.equal(context.access.token, undefined);
});

test('unsupported cluster and user fields make the context unusable, each with its reason', () => {
  const cases: Array<[unknown, unknown, Record<string, unknown>, RegExp]> = [
    [{ server: 'https://c', 'certificate-authority': '/etc/ssl/ca.pem' }, {}, {}, /^cluster field certificate-authority names a file on disk/],
    [{ server: 'https://c', 'proxy-url': 'http://proxy:3128' }, {}, {}, /^cluster field proxy-url is not supported/],
    [{ server: 'https://c' }, { as: 'system:admin' }, {}, /^user field as asks for impersonation/],
    [{ server: 'https://c' }, { 'as-groups': ['system:masters'] }, {}, /^user field as-groups asks for impersonation/],
    [{}, {}, {}, /^cluster has no server$/],
    [{ server: 'not a url' }, {}, {}, /^cluster server is not a URL$/],
    [{ server: 'ftp://c.example.test' }, {}, {}, /^cluster server must be http or https$/],
    [{ server: 'https://me:secret@c.example.test' }, {}, {}, /^cluster server must not carry credentials$/],
    [{ server: 'https://c', 'insecure-skip-tls-verify': 'true' }, {}, {}, /^cluster field insecure-skip-tls-verify must be true or false$/],
    [{ server: 'https://c', 'certificate-authority-data': 42 }, {}, {}, /^cluster field certificate-authority-data must be a string$/],
    [{ server: 'https://c' }, { token: ['a'] }, {}, /^user field token must be a string$/],
    [{ server: 'https://c' }, 'just text', {}, /^user entry is not a map$/],
    [['a list'], {}, {}, /^cluster entry is not a map$/],
    [{ server: 'https://c' }, {}, { namespace: 'Not_A_Namespace' }, /^context namespace "Not_A_Namespace" is not a namespace name$/],
    [{ server: 'https://c' }, {}, { namespace: 7 }, /^context field namespace must be a string$/],
  ];
  for (const [cluster, user, context, reason] of cases) {
    assert.match(reasonOf(kubeconfigContexts(oneContext(cluster, user, context))) ?? 'usable', reason);
  }
});

test('the server of an unusable context is still named when it is text, without a trailing slash', () => {
  const [context] = kubeconfigContexts(oneContext({ server: 'https://c.example.test/', 'proxy-url': 'http://p' }, {}));
  assert.equal(context?.server, 'https://c.example.test');
  assert.equal(context?.usable, false);
});

test('contexts are listed once, sorted, only when their cluster and user exist and their names are strings', () => {
  const contexts = kubeconfigContexts(
    kubeconfig({
      clusters: [
        { name: 'c', cluster: { server: 'https://first' } },
        { name: 'c', cluster: { server: 'https://second' } },
        { cluster: { server: 'https://nameless' } },
      ],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [
        { name: 'zeta', context: { cluster: 'c', user: 'u' } },
        { name: 'alpha', context: { cluster: 'c', user: 'u' } },
        { name: 'alpha', context: { cluster: 'c', user: 'nobody' } },
        { name: 'dangling', context: { cluster: 'missing', user: 'u' } },
        { name: 'no-user', context: { cluster: 'c' } },
        { name: 12, context: { cluster: 'c', user: 'u' } },
        { name: 'x'.repeat(kubeconfigLimits.maxNameLength + 1), context: { cluster: 'c', user: 'u' } },
        'not a map',
      ],
    }),
  );
  assert.deepEqual(
    contexts.map((context) => [context.name, context.server]),
    [
      ['alpha', 'https://first'],
      ['zeta', 'https://first'],
    ],
  );
});

test('JSON is read like YAML', () => {
  const json = JSON.stringify({
    clusters: [{ name: 'c', cluster: { server: 'https://c' } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
  });
  assert.deepEqual(
    kubeconfigContexts(json).map((context) => context.usable),
    [true],
  );
});

test('what is not a kubeconfig is refused with KubeconfigParseError', () => {
  const refused = [
    'just-a-word',
    'null',
    '[1, 2]',
    'clusters: [[[: not yaml',
    '',
    'apiVersion: v1\nkind: Config\n',
    'clusters: {name: c}',
    '{"contexts": [{"name": "x"}]}',
    'clusters:\n- cluster: { server: https://x }\n',
    'a: 1\na: 2',
    'a: &a [1]\n' + Array.from({ length: 10 }, (_, i) => `b${i}: &b${i} [${'*a,'.repeat(20)}*a]`).join('\n'),
    `clusters: [${Array.from({ length: kubeconfigLimits.maxEntries + 1 }, (_, i) => `{name: c${i}, cluster: {server: "https://c"}}`).join(',')}]`,
    `clusters: [{name: c, cluster: {server: "${'x'.repeat(kubeconfigLimits.maxBytes)}"}}]`,
    // Nested deeper than a kubeconfig ever is: refused before the parser recurses (which would cost a second).
    `contexts: ${'['.repeat(200_000)}${']'.repeat(200_000)}`,
    `contexts: ${'{a: '.repeat(100)}1${'}'.repeat(100)}`,
    `contexts:\n${'- '.repeat(100_000)}1`,
    `contexts:\n${Array.from({ length: 300 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n')} 1`,
  ];
  for (const raw of refused) assert.throws(() => kubeconfigContexts(raw), KubeconfigParseError, raw.slice(0, 60));
});

test('brackets and dashes inside ordinary values do not count as deep nesting', () => {
  const [context] = kubeconfigContexts(oneContext({ server: 'https://c' }, { password: '[[[[{{{{-- ??', token: 'a]]]]' }, { namespace: 'team-a' }));
  assert.equal(context?.usable === true ? context.access.password : undefined, '[[[[{{{{-- ??');
});
