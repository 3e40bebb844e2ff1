import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from './stack.js';
import { testLogFile } from '../services/api/src/test-utils/logs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Stalled jobs are found in about two seconds instead of a minute. */
export const FAST_STALL_CHECK = { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' };

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process logged so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it (SIGKILL) if it is still running. */
  stop(): Promise<void>;
}

/** A real worker process (services/worker/src/main.ts through tsx) on the test's prefix. */
export function spawnWorker(prefix: string, name: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=@trainyard/source', '--import', 'tsx', 'services/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, TRAINYARD_PREFIX: prefix, WORKER_NAME: name, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const file = testLogFile('worker');
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.once('close', () => file.end());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
