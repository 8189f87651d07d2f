import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { platformServices, repoRoot, variablesOf } from './support/readme-config.js';

/** docker-compose.yml cannot run here (no Docker engine): its structure is checked instead. */
interface ComposeService {
  image?: string;
  build?: { context: string; target: string; args: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
  read_only?: boolean;
  cap_drop?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const defaultPorts = { gateway: 8080, users: 8081, releases: 8082 } as const;
let compose: Compose;

before(async () => {
  compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
});

function service(name: string): ComposeService {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml', () => {
  test('runs MongoDB (official image), Redis, NATS with JetStream on a volume, and the three services', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['gateway', 'mongo', 'nats', 'redis', 'releases', 'users']);
    assert.match(service('mongo').image ?? '', /^mongo:7\./);
    assert.match(service('redis').image ?? '', /^redis:7\./);
    const nats = service('nats');
    assert.match(nats.image ?? '', /^nats:2\.10\./);
    assert.ok(
      nats.command?.some((arg) => arg === '-js' || arg === '--jetstream'),
      'NATS runs with JetStream',
    );
    const storeDir = nats.command?.[nats.command.indexOf('--store_dir') + 1];
    assert.ok(storeDir && nats.volumes?.some((volume) => volume.endsWith(`:${storeDir}`)), 'the JetStream store is a volume');
    for (const volume of ['mongo-data', 'redis-data', 'nats-data']) assert.ok(compose.volumes && volume in compose.volumes);
  });

  test('third-party images are pinned to a patch version', () => {
    for (const name of ['mongo', 'redis', 'nats']) {
      assert.match(service(name).image ?? '', /^[a-z0-9/_-]+:\d+\.\d+\.\d+(-[a-z0-9.]+)?$/, `${name} image is pinned`);
    }
  });

  test('every service is built from the one Dockerfile, naming itself and its target', () => {
    for (const name of platformServices) {
      const { build, image } = service(name);
      assert.deepEqual(build, { context: '.', target: name === 'users' ? 'service' : name, args: { SERVICE: name } });
      assert.ok(existsSync(join(repoRoot, 'Dockerfile')));
      assert.equal(image, `helm-release-platform/${name}:local`);
    }
  });

  test('every service has a healthcheck; the platform services check /readyz on the port they listen on', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      assert.equal(definition.healthcheck?.test[0], 'CMD', `${name} has an exec-form healthcheck`);
    }
    for (const name of platformServices) {
      const { healthcheck, environment } = service(name);
      assert.equal(environment?.PORT, String(defaultPorts[name]));
      assert.equal(environment?.HOST, '0.0.0.0');
      assert.ok(healthcheck!.test.join(' ').includes(`http://127.0.0.1:${defaultPorts[name]}/readyz`), `${name} probes /readyz`);
    }
  });

  test('depends_on waits for healthy dependencies, and a service depends on every server its URLs name', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      if (!definition.depends_on) continue;
      assert.ok(!Array.isArray(definition.depends_on), `${name} uses the long depends_on form`);
      for (const [dependency, { condition }] of Object.entries(definition.depends_on)) {
        assert.equal(condition, 'service_healthy', `${name} waits for ${dependency} to be healthy`);
        assert.ok(compose.services[dependency]?.healthcheck, `${dependency} has a healthcheck to wait for`);
      }
    }
    for (const name of platformServices) {
      const { environment = {}, depends_on: dependsOn = {} } = service(name);
      for (const [variable, value] of Object.entries(environment)) {
        if (!variable.endsWith('_URL')) continue;
        const host = new URL(value).hostname;
        assert.ok(compose.services[host], `${name} ${variable} names a compose service (${host})`);
        assert.ok(host in dependsOn, `${name} depends on ${host}`);
      }
    }
  });

  test('environment names are the README configuration table’s, and every required one is set', async () => {
    for (const name of platformServices) {
      const { known, required } = await variablesOf(name);
      const names = Object.keys(service(name).environment ?? {});
      for (const variable of names) assert.ok(known.has(variable), `${name} does not read ${variable}`);
      for (const variable of required) assert.ok(names.includes(variable), `${name} needs ${variable}`);
    }
  });

  test('secrets come from the environment and are required there, never written in the file', () => {
    for (const name of platformServices) {
      for (const [variable, value] of Object.entries(service(name).environment ?? {})) {
        if (!/SECRET|KEYS/.test(variable)) continue;
        assert.match(value, new RegExp(`^\\$\\{${variable}:\\?.+\\}$`), `${name} ${variable} is required from the environment`);
      }
    }
  });

  test('only the gateway is published, on 8080, and it sends its cookie over plain http', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      if (name !== 'gateway') assert.equal(definition.ports, undefined, `${name} publishes no port`);
    }
    assert.deepEqual(service('gateway').ports, ['127.0.0.1:8080:8080']);
    assert.equal(service('gateway').environment?.COOKIE_SECURE, 'false');
  });

  test('platform services run read-only without capabilities', () => {
    for (const name of platformServices) {
      assert.equal(service(name).read_only, true);
      assert.deepEqual(service(name).cap_drop, ['ALL']);
    }
  });
});
