import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scrubClusterMessage } from '../src/cluster-messages.js';

test('paths, addresses and tokens are removed from helm and cluster messages; the rest stays', () => {
  const cases: Array<[string, string]> = [
    [
      'Kubernetes cluster unreachable: Get "https://10.0.0.7:6443/version": dial tcp 10.0.0.7:6443: connect: connection refused',
      'Kubernetes cluster unreachable: Get "<url>": dial tcp <address>: connect: connection refused',
    ],
    ['open /tmp/releases-helm-Ab12/kubeconfig: permission denied', 'open <path>: permission denied'],
    ['dial tcp: lookup kube.internal.corp on 10.96.0.10:53: no such host', 'dial tcp: lookup <address> on <address>: no such host'],
    ['proxy [fd00:ec2::254]:80 and fe80::1%eth0 refused', 'proxy <address> and <address>%eth0 refused'],
    ['auth with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl failed', 'auth with Bearer <redacted> failed'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl leaked', 'token <redacted> leaked'],
    ['key ZXlKaGJHY2lPaUpJVXpJMU5pSjkuZXlKemRXSWlPaUl4SW4wLmMybG5ibUYwZFhKbA== in output', 'key <redacted> in output'],
    ['cannot reach kube.example.com:6443', 'cannot reach <address>'],
    [
      'secrets is forbidden: User "system:serviceaccount:team-a:limited" cannot list resource "secrets" in API group "" in the namespace "default"',
      'secrets is forbidden: User "system:serviceaccount:team-a:limited" cannot list resource "secrets" in API group "" in the namespace "default"',
    ],
    [
      'UPGRADE FAILED: template: demo/templates/cm.yaml:3:12: executing at 12:30:45',
      'UPGRADE FAILED: template: demo/templates/cm.yaml:3:12: executing at 12:30:45',
    ],
  ];
  for (const [message, scrubbed] of cases) assert.equal(scrubClusterMessage(message), scrubbed);
  assert.ok(scrubClusterMessage('x '.repeat(1000)).length <= 501);
});
