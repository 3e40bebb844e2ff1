import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Docker files are checked without a Docker engine: Debian's docker-compose (1.29) parses,
// validates and interpolates the compose file on its own. CI installs it (.ci/run), so there a
// missing binary is a failure; a developer machine without it skips with the install hint.
const ROOT = join(import.meta.dirname, '..');
const found = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const inCi = process.env.CI === 'true';
if (!found && !inCi) console.warn('Skipping the docker-compose checks: apt-get install docker-compose');

function compose(args: string[], env: Record<string, string> = {}) {
  // Only PATH and HOME from outside, so a developer's own TRAINYARD_* variables do not leak in.
  const r = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('docker-compose.yml', () => {
  it.runIf(inCi && !found)('needs docker-compose in CI', () => {
    expect.fail('docker-compose is not installed: .ci/run installs it with apt-get install docker-compose');
  });

  describe.runIf(found)('validated by docker-compose', () => {
    it('is valid (`docker-compose config -q`) and runs redis, api and worker', () => {
      const valid = compose(['config', '-q']);
      expect(valid.err).toBe('');
      expect(valid.status).toBe(0);
      expect(compose(['config', '--services']).out.trim().split('\n').sort()).toEqual(['api', 'redis', 'worker']);
    });

    it('takes its configuration from the environment, with defaults', () => {
      const defaults = compose(['config']).out;
      expect(defaults).toMatch(/WORKER_CONCURRENCY: '1'/);
      expect(defaults).toMatch(/TRAINYARD_API_KEYS: ''/);
      expect(defaults).toMatch(/published: 3000|- 3000:3000|"?3000:3000"?/);
      const set = compose(['config'], {
        WORKER_CONCURRENCY: '3',
        TRAINYARD_API_KEYS: 'acme:k_0123456789abcdef',
        TRAINYARD_MAX_ACTIVE_JOBS: '5',
        PORT: '8080',
      }).out;
      expect(set).toMatch(/WORKER_CONCURRENCY: '3'/);
      expect(set).toMatch(/TRAINYARD_API_KEYS: acme:k_0123456789abcdef/);
      expect(set).toMatch(/TRAINYARD_MAX_ACTIVE_JOBS: '5'/);
      expect(set).toMatch(/8080:3000|published: 8080/);
    });
  });

  // Plain reads of the files: what a reviewer would check by eye, kept from regressing.
  const file = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const services = Object.fromEntries(
    file.split(/\n(?= {2}[a-z]+:\n)/).map((block) => [/^ {2}([a-z]+):/m.exec(block)?.[1] ?? '', block]),
  );

  it('runs Redis with AOF on, noeviction and a healthcheck', () => {
    expect(services.redis).toMatch(/"--appendonly", "yes"/);
    expect(services.redis).toMatch(/"--maxmemory-policy", "noeviction"/);
    expect(services.redis).toMatch(/healthcheck:[\s\S]*redis-cli", "ping"/);
  });

  it('health-checks the api on /readyz and starts it after Redis is healthy', () => {
    expect(services.api).toMatch(/healthcheck:[\s\S]*\/readyz/);
    expect(services.api).not.toMatch(/\/healthz/);
    expect(services.api).toMatch(/condition: service_healthy/);
  });

  it('lets the worker scale (no container_name, no published port) and stop gracefully', () => {
    expect(services.worker).not.toMatch(/container_name|ports:/);
    expect(services.worker).toMatch(/stop_grace_period/);
    expect(services.worker).toMatch(/WORKER_CONCURRENCY: \$\{WORKER_CONCURRENCY:-1\}/);
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');

  it('builds on Debian Node 20, in stages, with the wasm kernels, then prunes to production dependencies', () => {
    expect(dockerfile.match(/^FROM node:20-bookworm/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/pnpm@12\.4\.2 install --frozen-lockfile/);
    expect(dockerfile).toMatch(/pnpm@12\.4\.2 run build/); // runs build:wasm first
    expect(dockerfile).toMatch(/test -f packages\/tensor\/wasm\/gemm\.wasm/);
    expect(dockerfile).toMatch(/install --prod --frozen-lockfile/);
  });

  it('runs as a non-root user; the worker image has Fashion-MNIST; the api checks /readyz', () => {
    const stage = (name: string) => dockerfile.split(/^FROM /m).find((s) => s.includes(` AS ${name}\n`)) ?? '';
    for (const target of ['api', 'worker'])
      expect(
        stage(target)
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('USER '))
          .at(-1) ?? stage('runtime').match(/^USER .*/m)?.[0],
      ).toBe('USER node');
    expect(stage('worker')).toMatch(/apt-get install -y --no-install-recommends dataset-fashion-mnist/);
    expect(stage('api')).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
  });

  it('keeps host builds out of the context (.dockerignore)', () => {
    for (const entry of [
      'node_modules',
      '**/node_modules',
      '**/dist',
      'test-artifacts',
      'packages/tensor/wasm',
      '.git',
    ])
      expect(dockerignore).toContain(entry);
  });
});
