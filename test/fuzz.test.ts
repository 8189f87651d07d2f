import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bounded fuzz run (scripts/fuzz.sh --ci): schemathesis sends every operation of the gateway's OpenAPI
 * document generated requests, valid and invalid, with logged-in sessions, and fails on any 5xx, any answer
 * outside the document (status, content type, headers, body schema) and any invalid request accepted.
 */
test('schemathesis: no 5xx and no answer outside the OpenAPI document, every operation', { timeout: 10 * 60_000 }, async (t) => {
  const { code, output } = await run('bash', [resolve(repoRoot, 'scripts/fuzz.sh'), '--ci'], { ...process.env, FUZZ_SKIP_BUILD: '1' });
  const summary = /^fuzz: (\d+) cases over (\d+) of (\d+) operations.*$/m.exec(output);
  const answers = answersByOperation(output);
  // The per-operation table (requests, 2xx, 3xx, 4xx, 5xx): which operations got past validation shows in the test's output.
  for (const [operation, counts] of answers) t.diagnostic(`${operation}: ${counts.requests} requests, ${counts.ok} 2xx`);
  if (summary) t.diagnostic(summary[0]);
  assert.equal(code, 0, `scripts/fuzz.sh --ci exited with ${code}:\n${output.slice(-12_000)}`);
  assert.ok(summary, `no summary line in the output:\n${output.slice(-4000)}`);
  // Every operation but logout (left out on purpose, see test/fuzz/schemathesis-config.ts).
  assert.equal(Number(summary[2]), Number(summary[3]) - 1);
  assert.ok(Number(summary[1]) >= 1000, `only ${summary[1]} cases were tried`);
  // Upgrade, rollback, token and repository creation really ran (test/fuzz/examples.ts), not only their refusals.
  for (const operation of ['POST /api/releases/{name}/upgrade', 'POST /api/releases/{name}/rollback', 'POST /api/tokens', 'POST /api/repositories']) {
    // With the end of the output (the per-operation table): a run where no cluster call succeeded shows as such.
    assert.ok((answers.get(operation)?.ok ?? 0) > 0, `${operation} never answered 2xx:\n${output.slice(-8000)}`);
  }
});

/** The rows of the report's table (test/fuzz/report.ts): operation → requests and 2xx answers. */
function answersByOperation(output: string): Map<string, { requests: number; ok: number }> {
  const rows = output.matchAll(/^((?:GET|POST|PUT|DELETE) \S+) +(\d+) +(\d+) +\d+ +\d+ +\d+$/gm);
  return new Map([...rows].map((row) => [row[1]!, { requests: Number(row[2]), ok: Number(row[3]) }]));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}
