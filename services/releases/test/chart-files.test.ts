import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { chartLimits, writeChart } from '../src/helm/chart-files.js';
import type { HelmRelease } from '../src/helm/codec.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const chartWith = (files: Array<{ name: string; data: string }>, templates: Array<{ name: string; data: string }> = []) =>
  ({ metadata: { name: 'demo', version: '0.1.0' }, values: { a: 1 }, templates, files }) as HelmRelease['chart'];

async function refusal(chart: HelmRelease['chart']): Promise<{ message: string; folder: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'chart-files-test-'));
  const error = await writeChart(folder, chart).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.status, 500);
  assert.equal(error.code, ErrorCode.ClusterOperationFailed);
  return { message: error.errors[0]!, folder };
}

test('a stored chart is written back: metadata, values, templates and files', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'chart-files-test-'));
  const root = await writeChart(folder, chartWith([{ name: 'README.md', data: b64('# demo') }], [{ name: 'templates/cm.yaml', data: b64('kind: ConfigMap') }]));
  assert.match(await readFile(join(root, 'Chart.yaml'), 'utf8'), /name: demo/);
  assert.equal(await readFile(join(root, 'templates/cm.yaml'), 'utf8'), 'kind: ConfigMap');
  assert.equal(await readFile(join(root, 'README.md'), 'utf8'), '# demo');
});

test('names that leave the folder are refused before anything is written', async () => {
  for (const name of ['../escape.yaml', 'templates/../../escape.yaml', '/etc/passwd', '..', '.', '', 'a\0b']) {
    const { message, folder } = await refusal(
      chartWith([
        { name: 'README.md', data: b64('x') },
        { name, data: b64('x') },
      ]),
    );
    assert.match(message, /^stored chart refused: an unsafe file name/, name);
    assert.deepEqual(await readdir(folder), [], 'nothing written');
  }
});

test('too many files, a file or a chart too large, and two files of one name are refused', async () => {
  const many = Array.from({ length: chartLimits.maxFiles + 1 }, (_, index) => ({ name: `f${index}`, data: '' }));
  assert.match((await refusal(chartWith(many))).message, /more than 1000 files/);
  const big = b64('x'.repeat(chartLimits.maxFileBytes + 1));
  assert.match((await refusal(chartWith([{ name: 'big', data: big }]))).message, /file big over/);
  const four = Array.from({ length: 5 }, (_, index) => ({ name: `part${index}`, data: b64('x'.repeat(chartLimits.maxFileBytes)) }));
  assert.match((await refusal(chartWith(four))).message, /files over 20971520 bytes in all/);
  assert.match((await refusal(chartWith([{ name: 'Chart.yaml', data: b64('name: evil') }]))).message, /two files named Chart.yaml/);
  assert.match(
    (
      await refusal(
        chartWith([
          { name: 'a.txt', data: '' },
          { name: './a.txt', data: '' },
        ]),
      )
    ).message,
    /two files named a.txt/,
  );
  assert.match(
    (
      await refusal(
        chartWith([
          { name: 'templates', data: '' },
          { name: 'templates/x.yaml', data: '' },
        ]),
      )
    ).message,
    /clashes/,
  );
});

test('no file is written through a link: every file is created new', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'chart-files-test-'));
  const root = await writeChart(folder, chartWith([{ name: 'sub/dir/file.txt', data: b64('x') }]));
  const stat = await lstat(join(root, 'sub/dir/file.txt'));
  assert.ok(stat.isFile() && !stat.isSymbolicLink());
});
