import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withReleaseExamples } from './examples.js';
import { setUpFuzzFixture } from './fixture.js';
import { summarize } from './report.js';
import { schemathesisConfig, sessionEnvOf } from './schemathesis-config.js';

/**
 * Fuzzes every operation of the gateway's OpenAPI document with schemathesis (scripts/fuzz.sh installs it
 * and starts this): `--ci` is the bounded run of `npm test`, otherwise a long run (`npm run fuzz`).
 * Exits with schemathesis's status; the last line printed is `fuzz: N cases ...` (test/fuzz.test.ts reads it).
 * Environment: FUZZ_MAX_EXAMPLES (per operation and phase), FUZZ_SEED, FUZZ_WORKERS, FUZZ_KEEP=1 keeps
 * the config, the document as fuzzed (with test/fuzz/examples.ts's examples) and reports (the path is printed).
 */
const { values: args } = parseArgs({ options: { ci: { type: 'boolean', default: false } } });
const schemathesis = process.env.SCHEMATHESIS_BIN ?? 'schemathesis';
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? (args.ci ? 50 : 1000));
// A fixed seed: a CI failure reproduces with the same command.
const seed = process.env.FUZZ_SEED ?? '20201020';
// One worker: with more, schemathesis's threads meet a CPython 3.11 bug in ast.parse ("AST constructor
// recursion depth mismatch") and report it as a runtime error of the run.
const workers = Number(process.env.FUZZ_WORKERS ?? 1);

/**
 * Checks: every one schemathesis has, less those that do not fit this API (they would report the contract,
 * not a bug):
 * - positive_data_acceptance wants a 2xx (or 401/403/404/409) for every request the schema allows, but
 *   the contract refuses some well-formed requests for what they say, which no schema can tell: a wrong
 *   password to DELETE /api/users/{id} (400/601), an email already taken (422/601), a string that is not a
 *   kubeconfig (400/600), values that are not YAML for the chart (422/607);
 * - unsupported_method and allow_header_conformance want 405 with an Allow header for a method a path does
 *   not declare; the gateway treats such a request as one for a route it does not have (404, after the
 *   session check on proxied paths);
 * - object_level_authorization needs two sets of credentials for the same operations; that a user cannot
 *   touch another user's id is tested in services/gateway/test/proxy.test.ts.
 * ignored_auth stays: the session cookie is the document's `session` security scheme, so schemathesis
 * knows to send the request without it and expects it refused.
 */
const excludedChecks = ['positive_data_acceptance', 'unsupported_method', 'allow_header_conformance', 'object_level_authorization'];

const step = (message: string) => console.error(`[fuzz ${new Date().toISOString().slice(11, 19)}] ${message}`);

step('starting the platform, users and releases');
const fixture = await setUpFuzzFixture();
const workDir = await mkdtemp(join(tmpdir(), 'fuzz-'));
let status = 1;
try {
  const configFile = join(workDir, 'schemathesis.toml');
  const reportFile = join(workDir, 'report.json');
  const harFile = join(workDir, 'requests.har');
  const documentFile = join(workDir, 'openapi.json');
  await writeFile(configFile, schemathesisConfig(fixture, { maxExamples, workers }), { mode: 0o600 });
  const location = `${fixture.platform.gatewayUrl}/openapi.json`;
  const document = (await (await fetch(location)).json()) as Parameters<typeof withReleaseExamples>[0];
  await writeFile(documentFile, JSON.stringify(withReleaseExamples(document, fixture.releases)));
  const runArgs = [
    '--config-file',
    configFile,
    'run',
    documentFile,
    '--url',
    fixture.platform.gatewayUrl,
    '--checks',
    'all',
    '--exclude-checks',
    excludedChecks.join(','),
    '--seed',
    seed,
    '--no-color',
    // No example database in the working tree: a run is reproduced by its seed.
    '--generation-database',
    'none',
    // The session cookie is set per operation as a header (schemathesis-config.ts); a generated one would
    // be replaced by it, and a "missing cookie" case would then look like invalid data the API accepted.
    '--generation-with-security-parameters',
    'false',
    '--report',
    'json,har',
    '--report-har-path',
    harFile,
    '--report-json-path',
    reportFile,
  ];
  step(`schemathesis ${runArgs.join(' ')}`);
  // Run in the work folder: schemathesis keeps a cache of its own (.schemathesis/) in its working directory.
  status = await run(schemathesis, runArgs, workDir, { ...process.env, ...sessionEnvOf(fixture) } as Record<string, string>);
  console.log(await summarize(reportFile, harFile, documentOperations(document)).catch((error: Error) => `fuzz: no report (${error.message})`));
  if (status !== 0) {
    const errors = fixture.platform
      .logs()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    if (errors.length > 0) step(`the services logged ${errors.length} errors, the last ones:\n${errors.slice(-20).join('\n')}`);
  }
} finally {
  step('cleaning up');
  await fixture.teardown();
  if (process.env.FUZZ_KEEP) step(`config and reports kept in ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}
process.exit(status);

function run(command: string, commandArgs: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Path template → the methods the document declares for it (lower case). */
function documentOperations({ paths }: { paths: Record<string, Record<string, unknown>> }): Record<string, string[]> {
  return Object.fromEntries(Object.entries(paths).map(([path, methods]) => [path, Object.keys(methods)]));
}
