// Helpers for the service benches (sse-fanout, submit): the real api as a child process, the
// statistics they report and where they write them. Lives in bench/lib/ so that
// scripts/bench.mjs does not list it as a bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../../test/redis-server.js';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A key prefix of the bench's own, with the hash tag production uses. */
export const benchPrefix = (name: string): string => `{ty-bench-${name}-${randomBytes(4).toString('hex')}}`;

export interface ApiServer {
  child: ChildProcess;
  url: string;
  /** Resident set size now and at its peak, in MiB (from /proc). */
  rss(): { now: number; peak: number };
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * The compiled api (services/api/dist/server.js, as `npm start` runs it) on a free port, with no
 * API keys and the per-tenant guards running with limits no bench reaches.
 * `nodeArgs` go to node before the script, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'].
 */
export async function startApi(
  prefix: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ApiServer> {
  const port = await freePort();
  const { TRAINYARD_API_KEYS: _keys, ...inherited } = process.env;
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'services/api/dist/server.js')], {
    env: {
      ...inherited,
      REDIS_URL,
      TRAINYARD_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The guards run (their Redis round trips are part of every request's cost) with limits no bench reaches.
      TRAINYARD_RATE_LIMIT_PER_MINUTE: '1000000000',
      TRAINYARD_MAX_ACTIVE_JOBS: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const kib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
  const server: ApiServer = {
    child,
    url,
    rss: () => ({ now: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) }),
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.stop();
  throw new Error('the api did not start (is it built? node scripts/bench.mjs builds it)');
}

/** Redis clients of the api process, by the connection names it gives them. */
export async function apiConnections(redis: Redis, prefix: string): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith('trainyard-api') && name.endsWith(`@${prefix}`));
}

/** Deletes every key under the prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== '0');
}

/** p50/p95/p99/max of a sample, rounded to 0.1. */
export function percentiles(values: ArrayLike<number>): { p50: number; p95: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: r(at(0.5)),
    p95: r(at(0.95)),
    p99: r(at(0.99)),
    max: r(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
}

/** A growable list of numbers that does not box them. */
export class Samples {
  private buf = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = v;
  }
  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A markdown table of rows that share their keys. */
export function markdownTable(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  return [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`),
  ].join('\n');
}

/** Writes bench/results/<name>.json (git-ignored) with the machine it ran on. */
export function writeResult(name: string, result: object): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version };
  writeFileSync(
    file,
    `${JSON.stringify({ bench: name, at: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
  );
  return file;
}
