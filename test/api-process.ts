import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from './stack.js';
import { TEST_LOG_LEVEL, testLogFile } from '../services/api/src/test-utils/logs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process logged so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it (SIGKILL) if it is still running. */
  stop(): Promise<void>;
}

/**
 * A real api process (services/api/src/server.ts through tsx) on the test's prefix and port;
 * resolves once /healthz answers. The per-tenant guards are off: tests submit freely.
 */
export async function spawnApi(prefix: string, port: number, env: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@trainyard/source', '--import', 'tsx', 'services/api/src/server.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL,
        TRAINYARD_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: TEST_LOG_LEVEL,
        TRAINYARD_MAX_ACTIVE_JOBS: '0',
        TRAINYARD_RATE_LIMIT_PER_MINUTE: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const file = testLogFile('api');
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), file.write(d)));
  child.once('close', () => file.end());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    child,
    url,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return api;
    await new Promise((r) => setTimeout(r, 50));
  }
  await api.stop();
  throw new Error(`the api did not start on port ${port}:\n${out}`);
}
