// Bootstrap shared by `npm start` and `npm test`. Plain Node, no dependencies: it runs
// before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', 'pnpm@12.4.2'];

export function say(msg) {
  process.stderr.write(`trainyard: ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    say(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** Installs dependencies when node_modules is missing or was installed from another lockfile. */
export function ensureInstalled() {
  const stamp = join(ROOT, 'node_modules/.trainyard-lock-hash');
  const hash = createHash('sha256')
    .update(readFileSync(join(ROOT, 'pnpm-lock.yaml')))
    .update(readFileSync(join(ROOT, 'pnpm-workspace.yaml')))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  say('installing dependencies (pnpm 12.4.2 through npx)…');
  run('npx', [...PNPM, 'install', '--frozen-lockfile']);
  writeFileSync(stamp, hash);
}

/** Compiles every package (incremental: a no-op when nothing changed). */
export function build() {
  // tsc does not compile the tensor package's AssemblyScript kernels; asc does, when they changed.
  // (The lockfile stands for the compiler's version: files inside node_modules keep npm's 1985 mtimes.)
  const tensor = join(ROOT, 'packages/tensor');
  const sources = [
    'pnpm-lock.yaml',
    'packages/tensor/asconfig.json',
    ...readdirSync(join(tensor, 'assembly')).map((f) => `packages/tensor/assembly/${f}`),
  ];
  if (
    !newerThan(
      join(tensor, 'wasm/gemm.wasm'),
      sources.map((f) => join(ROOT, f)),
    )
  ) {
    run(process.execPath, [join(tensor, 'node_modules/assemblyscript/bin/asc.js'), '--config', 'asconfig.json'], {
      cwd: tensor,
    });
  }
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
}

function newerThan(file, sources) {
  return existsSync(file) && sources.every((s) => statSync(s).mtimeMs <= statSync(file).mtimeMs);
}

/** Runs a workspace binary from the root (tsc, vitest). */
export function bin(name, args, opts) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin', name), args, { cwd: ROOT, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

/** True when something at host:port answers a Redis PING. */
export function redisAnswers(url, timeoutMs = 1000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const noRedis = (url) => `no Redis answers at ${url} and \`redis-server\` is not installed. Get one of:
  - apt-get install redis-server          (Debian/Ubuntu; brew install redis on macOS)
  - docker compose up -d redis            (then run this again)
  - REDIS_URL=redis://host:6379 npm …     (a Redis you already have)`;

/**
 * Makes sure a Redis answers at `url`; when none does, starts a child `redis-server` on that
 * port (data in ./.redis, ignored by git). Returns { url, stop }.
 */
export async function ensureRedis(url, { persist = true } = {}) {
  if (await redisAnswers(url)) return { url, stop: async () => {}, started: false };
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    say(noRedis(url));
    process.exit(1);
  }
  const { port } = new URL(url);
  const dir = join(ROOT, '.redis');
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port',
    String(port || 6379),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
  args.push('--appendonly', persist ? 'yes' : 'no');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(url, 200)) {
      say(`started redis-server on ${url} (pid ${child.pid}, data in .redis/)`);
      const stop = () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      return { url, stop, started: true };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  say(`redis-server did not start on ${url}`);
  process.exit(1);
}
