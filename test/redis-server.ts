import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** True when the server at the port answers PING with PONG (not -LOADING while it replays its AOF). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export interface PrivateRedis {
  url: string;
  /** Starts (or restarts) the server on the same port and directory; resolves once it answers. */
  start(): Promise<void>;
  /** SIGKILLs the server, as a crash would: only what the AOF holds survives. */
  kill(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A throwaway `redis-server` of the test's own, with every write fsynced to its AOF before it
 * is acknowledged, so a kill loses nothing that a client was told had happened.
 */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ty-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ];
  args.push('--maxmemory-policy', 'noeviction');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      await kill();
      const c = spawn('redis-server', args, { stdio: 'ignore' });
      child = c;
      exited = new Promise((r) => c.once('exit', () => r()));
      for (let i = 0; i < 200; i++) {
        if (await pong(port)) return;
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`redis-server did not start on port ${port}`);
    },
    kill,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
