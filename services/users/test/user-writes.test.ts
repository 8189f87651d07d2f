import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import type { StoredUser, UserRepository } from '../src/domain/user-repository.js';
import { UserService } from '../src/domain/user-service.js';

/**
 * A pure test of UserService's write path against a repository that keeps one user in memory and, like a
 * database, lets other requests run between a read and the compare-and-set that follows it. Concurrent
 * updates then read the same version in lockstep: without one write per user at a time, the last of
 * n writers needs n attempts.
 */
function oneUserRepository(): { repository: UserRepository; user: StoredUser } {
  const user: StoredUser = { id: 7, email: 'a@example.test', passwordHash: 'x', kubeconfig: null, allowedContexts: [], kubeconfigVersion: 0 };
  const repository = {
    findById: async () => {
      await nextTurn();
      return { ...user };
    },
    changeKubeconfig: async (_id: number, expectedVersion: number, change: { allowedContexts: string[] }) => {
      await nextTurn();
      if (user.kubeconfigVersion !== expectedVersion) return false;
      Object.assign(user, { allowedContexts: change.allowedContexts, kubeconfigVersion: expectedVersion + 1 });
      return true;
    },
  } as unknown as UserRepository;
  return { repository, user };
}

/** One cluster and user, and one context per writer, so every writer's list differs from every other's. */
function kubeconfigWithContexts(names: string[]): string {
  const contexts = names.map((name) => `- name: ${name}\n  context: { cluster: c, user: u }`).join('\n');
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: { server: 'https://c.example.test' }\nusers:\n- name: u\n  user: { token: t }\ncontexts:\n${contexts}\n`;
}

test('concurrent updates of one user all get through, one version each', async () => {
  const writers = 12;
  const names = Array.from({ length: writers }, (_, index) => `context-${index}`);
  const { repository, user } = oneUserRepository();
  user.kubeconfig = {} as never;
  const kubeconfig = kubeconfigWithContexts(names);
  const service = new UserService({
    repository,
    cipher: { encrypt: () => ({}), decrypt: () => kubeconfig } as never,
    hasher: {} as never,
    onEventQueued: () => undefined,
    deleteApiTokensOfUser: async () => undefined,
    repositories: { removeAllOf: async () => undefined },
  });
  const origin = { actor: { userId: user.id }, clientAddress: null, requestId: 'r' };
  // More writers than the compare-and-set's attempts (5), each wanting a list no other writer wants.
  const versions = await Promise.all(names.map((name) => service.updateUser(user.id, { allowedContexts: [name] }, origin as never)));
  assert.deepEqual(
    [...versions].sort((a, b) => a - b),
    Array.from({ length: writers }, (_, index) => index + 1),
  );
  assert.equal(user.kubeconfigVersion, writers);
});
