// `npm start`: install if needed, build, start Redis if none answers, then the api and one
// worker. Ctrl-C stops all of it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, build, ensureInstalled, ensureRedis, say } from './lib.mjs';

ensureInstalled();
build();
const port = process.env.PORT || '3000';
const redis = await ensureRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const env = { ...process.env, REDIS_URL: redis.url, PORT: port };

// The IPC channel lets each child notice when this supervisor dies, however it dies.
const stdio = ['inherit', 'inherit', 'inherit', 'ipc'];
const children = [
  spawn(process.execPath, [join(ROOT, 'services/api/dist/server.js')], { env, stdio }),
  spawn(process.execPath, [join(ROOT, 'services/worker/dist/main.js')], { env, stdio }),
];

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', resolve);
          c.kill('SIGTERM');
        }),
    ),
  );
  await redis.stop();
  process.exit(code);
}
for (const c of children) c.once('exit', (code) => stop(code ?? 1));
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

for (let i = 0; i < 100; i++) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (res.ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 100));
}
if (process.env.TRAINYARD_API_KEYS)
  say('API keys configured (TRAINYARD_API_KEYS): every /v1 request needs "Authorization: Bearer <key>"');
else
  say(
    `open single-tenant mode (no TRAINYARD_API_KEYS): anyone who reaches port ${port} can submit jobs, all as tenant "default"`,
  );
say(
  `api on http://localhost:${port} — dashboard at http://localhost:${port}/ — docs at http://localhost:${port}/docs — Ctrl-C stops everything`,
);
