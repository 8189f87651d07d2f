import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizeUsersPath, hasDotSegment } from '../src/domain/authorization.js';

test('a user may touch only their own id; other ids are forbidden; non-numbers are bad ids', () => {
  assert.equal(authorizeUsersPath('7', 7), 'allow');
  assert.equal(authorizeUsersPath('7/contexts', 7), 'allow');
  assert.equal(authorizeUsersPath('8', 7), 'forbidden');
  assert.equal(authorizeUsersPath('0', 7), 'forbidden');
  for (const rest of ['', 'abc', '-7', '7.0', '+7', '%37', '99999999999999999', ' 7']) {
    assert.equal(authorizeUsersPath(rest, 7), 'bad-id', JSON.stringify(rest));
  }
});

test('dot segments are found however they are written', () => {
  for (const path of ['/a/../b', '/a/./b', '/a/%2e%2E/b', '/a/%2e', '/a/..']) assert.equal(hasDotSegment(path), true, path);
  for (const path of ['/a/b', '/a/...', '/a/..b', '/a/b.c', '/api/releases/my.release']) assert.equal(hasDotSegment(path), false, path);
});
