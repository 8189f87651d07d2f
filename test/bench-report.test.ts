import assert from 'node:assert/strict';
import { test } from 'node:test';
import { table, verdict, type Figure } from '../bench/support/report.js';

/** The bench's verdict on a goal: met, missed within what bounds it (ours to close), or beyond reach here. */
const figure = (value: number, goal: Figure['goal'], bound?: number): Figure => ({
  name: 'f',
  value,
  unit: 'ms',
  goal,
  bound: bound === undefined ? undefined : { value: bound, what: 'the read alone' },
});

test('a goal at most: met, missed within its bound, or beyond it', () => {
  assert.equal(verdict(figure(20, { atMost: 25 }, 30)), 'met');
  assert.equal(verdict(figure(30, { atMost: 25 }, 20)), 'MISSED');
  assert.equal(verdict(figure(60, { atMost: 40 }, 55)), 'cannot (bound)');
  assert.equal(verdict(figure(60, { atMost: 40 })), 'MISSED');
  assert.equal(verdict(figure(60, undefined, 55)), '');
});

test('a goal at least: the bound is the best value reachable', () => {
  assert.equal(verdict(figure(9.5, { atLeast: 10 }, 15.8)), 'MISSED');
  assert.equal(verdict(figure(9.5, { atLeast: 10 }, 9.8)), 'cannot (bound)');
  assert.equal(verdict(figure(10.5, { atLeast: 10 }, 9.8)), 'met');
});

test('the table explains every missed goal with its bound', () => {
  const printed = table([
    {
      title: 'section',
      figures: [
        { ...figure(60, { atMost: 40 }, 55), name: 'page_ms' },
        { ...figure(30, { atMost: 25 }, 20), name: 'whole_ms' },
        { ...figure(20, { atMost: 25 }, 15), name: 'small_ms' },
      ],
      details: [],
    },
  ]);
  assert.match(printed, /page_ms: 60 ms against <= 40; bound 55 ms, the read alone: beyond the goal already/);
  assert.match(printed, /whole_ms: 30 ms against <= 25; bound 20 ms, the read alone: within the goal/);
  assert.doesNotMatch(printed, /small_ms: /);
});
