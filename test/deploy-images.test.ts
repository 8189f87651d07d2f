import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ReleasesConfig } from '@platform/releases';
import { parse } from 'yaml';
import { platformServices, repoRoot } from './support/readme-config.js';

/** The Dockerfiles cannot be built here (no Docker engine): what they promise is checked in their text. */
const defaultPorts = { gateway: 8080, users: 8081, releases: 8082 } as const;

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const logical = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  const result: Stage[] = [];
  for (const line of logical) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2], lines: [] });
    else if (line && !line.startsWith('#')) result.at(-1)?.lines.push(line);
  }
  return result;
}

/** The one Dockerfile, read once: every service is built from it with `--build-arg SERVICE=<name>`. */
const dockerfile = readFile(join(repoRoot, 'Dockerfile'), 'utf8');
const stage = async (name: string) => {
  const found = stages(await dockerfile).find((candidate) => candidate.name === name);
  assert.ok(found, `stage ${name}`);
  return found;
};

describe('Dockerfile', () => {
  test('builds with dev dependencies in one stage and installs production dependencies only in another', async () => {
    const build = await stage('build');
    const app = await stage('app');
    const manifestsStage = await stage('manifests');
    assert.equal(build.from, 'manifests');
    assert.equal(app.from, 'manifests');
    assert.ok(build.lines.includes('ARG SERVICE') && app.lines.includes('ARG SERVICE'));
    assert.ok(build.lines.some((line) => line.includes('npx tsc -b services/${SERVICE}')));
    const install = app.lines.find((line) => line.startsWith('RUN npm ci'));
    assert.ok(install?.includes('--omit=dev') && install.includes('--workspace services/${SERVICE}'), 'production install');
    const manifests = manifestsStage.lines.filter((line) => line.startsWith('COPY') && line.includes('package.json'));
    assert.ok(!manifests.some((line) => line.includes('test-support')), 'test-support is not installed');
    for (const lib of ['contracts', 'service-kit', 'kubeconfig-parser']) {
      assert.ok(
        manifests.some((line) => line.includes(`libs/${lib}/`)),
        `${lib} is installed`,
      );
      assert.ok(app.lines.includes(`COPY --from=build /app/libs/${lib}/dist libs/${lib}/dist`), `${lib} is copied`);
    }
  });

  test('runs the compiled server of the named service as a non-root user without npm', async () => {
    const runtime = await stage('service');
    assert.equal(runtime.from, '${NODE_IMAGE}');
    assert.ok(
      runtime.lines.some((line) => /^RUN rm -rf .*\/usr\/local\/bin\/npm /.test(line)),
      'npm is removed',
    );
    const user = runtime.lines.filter((line) => line.startsWith('USER ')).at(-1);
    assert.match(user ?? '', /^USER [1-9]\d*:[1-9]\d*$/, 'a numeric non-root user');
    assert.ok(runtime.lines.includes('WORKDIR /app/services/${SERVICE}'));
    assert.ok(runtime.lines.includes('CMD ["node", "dist/server.js"]'));
    assert.ok(runtime.lines.some((line) => line.includes('HOST=0.0.0.0')));
    assert.ok(!runtime.lines.some((line) => /^COPY (?!--from=)/.test(line)), 'nothing but build outputs enters the runtime');
  });

  test('each service falls back to its own default port when PORT is not set', async () => {
    // Each service's config extends service-kit's base with its own port, and the base defaults PORT to it.
    const base = await readFile(join(repoRoot, 'libs/service-kit/src/config.ts'), 'utf8');
    assert.match(base, /PORT: z\.coerce\.number\(\)[^\n]*\.default\(defaultPort\)/);
    for (const service of platformServices) {
      const config = await readFile(join(repoRoot, 'services', service, 'src', 'config.ts'), 'utf8');
      assert.match(config, new RegExp(`serviceConfigBase\\(${defaultPorts[service]}\\)`), service);
    }
  });
});

test('the releases image carries helm v3.22.0 built from its Go module and names it in HELM_BIN', async () => {
  const text = await dockerfile;
  assert.match(text, /^ARG HELM_VERSION=v3\.22\.0$/m);
  const helm = await stage('helm');
  assert.ok(helm.lines.some((line) => line.includes('go install') && line.includes('helm.sh/helm/v3/cmd/helm@${HELM_VERSION}')));
  const releases = await stage('releases');
  assert.equal(releases.from, 'service');
  assert.ok(releases.lines.includes('COPY --from=helm /out/helm /usr/local/bin/helm'));
  assert.ok(releases.lines.some((line) => line.includes('HELM_BIN=/usr/local/bin/helm') && line.includes('HELM_CACHE_HOME=/tmp/')));
});

test('the releases image sizes its main heap and malloc arenas within the chart’s memory limit, by the README’s rule', async () => {
  const releases = await stage('releases');
  const env = releases.lines.find((line) => line.startsWith('ENV') && line.includes('NODE_OPTIONS='));
  const heapMib = Number(/--max-old-space-size=(\d+)/.exec(env ?? '')?.[1]);
  assert.ok(heapMib > 0, 'NODE_OPTIONS sets --max-old-space-size');
  assert.match(env!, /MALLOC_ARENA_MAX=2\b/);
  const defaults = ReleasesConfig.parse({ NATS_URL: 'nats://127.0.0.1:4222', INTERNAL_SIGNING_SECRET: 'x'.repeat(32) });
  const mib = 2 ** 20;
  // The main heap holds what the requests in flight decoded and its copy in their answers.
  assert.ok(heapMib >= (2 * defaults.RELEASE_REPLICA_MAX_BYTES) / mib + 64, `a ${heapMib} MiB heap holds twice RELEASE_REPLICA_MAX_BYTES`);
  const values = parse(await readFile(join(repoRoot, 'deploy/helm/helm-release-platform/values.yaml'), 'utf8'));
  const limit = /^(\d+)Mi$/.exec(values.releases.resources.limits.memory);
  assert.ok(limit, 'releases.resources.limits.memory in Mi');
  // Code and buffers, the main heap, and each worker's heap (six times the record cap, release-decoder.ts).
  const needMib = 130 + heapMib + (defaults.RELEASE_DECODE_WORKERS * 6 * defaults.RELEASE_RECORD_MAX_BYTES) / mib;
  assert.ok(needMib <= Number(limit[1]), `${needMib} MiB by the rule, limit ${limit[1]}Mi`);
});

test('the gateway image carries the web console, built in a stage of its own, where the gateway looks for it', async () => {
  const consoleStage = await stage('console');
  assert.ok(consoleStage.lines.some((line) => line.startsWith('RUN') && line.includes('npm run build --workspace @platform/console')));
  const gateway = await stage('gateway');
  assert.equal(gateway.from, 'service');
  // services/gateway/dist/config.js defaults CONSOLE_DIR to ../../../console/dist, i.e. /app/console/dist.
  assert.deepEqual(gateway.lines, ['COPY --from=console /app/console/dist /app/console/dist']);
  const config = await readFile(join(repoRoot, 'services/gateway/src/config.ts'), 'utf8');
  assert.match(config, /new URL\('\.\.\/\.\.\/\.\.\/console\/dist', import\.meta\.url\)/);
});

test('.dockerignore keeps local state and credentials out of the build context', async () => {
  const patterns = (await readFile(join(repoRoot, '.dockerignore'), 'utf8')).split('\n');
  for (const pattern of ['**/node_modules', '**/dist', '.git', '.cache', '.env', '.servers.env', '**/kubeconfig']) {
    assert.ok(patterns.includes(pattern), `.dockerignore has ${pattern}`);
  }
});

test('.dockerignore leaves in every folder the Dockerfile copies from the build context', async () => {
  // `**/NAME` drops any file or folder of that name at any depth (a folder `libs/kubeconfig` would vanish).
  const ignoredNames = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
    .split('\n')
    .flatMap((line) => /^\*\*\/([^*?[\]!/]+)$/.exec(line.trim())?.[1] ?? []);
  assert.ok(ignoredNames.includes('kubeconfig'), 'the check reads the patterns');
  const sources = stages(await dockerfile)
    .flatMap((stage) => stage.lines)
    .filter((line) => /^COPY (?!--from=)/.test(line))
    .flatMap((line) => line.split(/\s+/).slice(1, -1));
  assert.ok(sources.includes('libs/kubeconfig-parser'), 'the check reads the COPY lines');
  for (const source of sources) {
    const hidden = source.split('/').find((segment) => ignoredNames.includes(segment));
    assert.equal(hidden, undefined, `COPY ${source} is dropped by .dockerignore's **/${hidden}`);
  }
});
