import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import { REDIS_URL, startStack, type Stack } from './stack.js';
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
  const child = spawn(
    process.execPath,
    ['--conditions=@trainyard/source', '--import', 'tsx', 'services/worker/src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, TRAINYARD_PREFIX: prefix, WORKER_NAME: name, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const file = testLogFile('worker');
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.once('close', () => file.end());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
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

/** What workerProcessSuite() gives a describe block; `stack` and `client` exist once its beforeAll ran. */
export interface WorkerProcessSuite {
  stack: Stack;
  client: TrainyardClient;
  /** A real worker process on the stack's prefix, killed after the test if it still runs. */
  spawn(name: string, env?: Record<string, string>): WorkerProcess;
}

/**
 * Registers, in the calling describe block, an api and Redis stack with no in-process worker (the
 * workers are processes the tests spawn, kill and restart), a client for it, and the clean-up.
 */
export function workerProcessSuite(api: NonNullable<Parameters<typeof startStack>[0]>['api'] = {}): WorkerProcessSuite {
  const procs: WorkerProcess[] = [];
  const suite = {
    spawn(name: string, env?: Record<string, string>) {
      const p = spawnWorker(suite.stack.prefix, name, env);
      procs.push(p);
      return p;
    },
  } as WorkerProcessSuite;
  beforeAll(async () => {
    suite.stack = await startStack({ workers: 0, api });
    suite.client = new TrainyardClient({ baseUrl: suite.stack.url });
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await suite.stack.close();
  });
  return suite;
}
