import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readResults, table, verdict, writeResults, type Figure } from '../bench/support/report.js';

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

test('results.json keeps the bounds beside the figures, and the figures read back', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'bench-report-')), 'results.json');
  await writeResults(file, [
    {
      title: 's',
      figures: [
        { ...figure(60.12345, { atMost: 40 }, 55.5), name: 'page_ms' },
        { ...figure(3, undefined), name: 'plain' },
      ],
      details: [],
    },
  ]);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { figures: { page_ms: 60.123, plain: 3 }, bounds: { page_ms: 55.5 } });
  assert.deepEqual(await readResults(file), { page_ms: 60.123, plain: 3 });
});
