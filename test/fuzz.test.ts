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
  if (summary) t.diagnostic(summary[0]);
  assert.equal(code, 0, `scripts/fuzz.sh --ci exited with ${code}:\n${output.slice(-12_000)}`);
  assert.ok(summary, `no summary line in the output:\n${output.slice(-4000)}`);
  // Every operation but logout (left out on purpose, see test/fuzz/schemathesis-config.ts).
  assert.equal(Number(summary[2]), Number(summary[3]) - 1);
  assert.ok(Number(summary[1]) >= 1000, `only ${summary[1]} cases were tried`);
});

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
