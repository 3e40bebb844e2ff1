// `npm test`: install if needed, build, make sure a Redis answers, typecheck, run the suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bin, build, ensureInstalled, ensureRedis, freePort, redisAnswers, say } from './lib.mjs';

ensureInstalled();
build();
let url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
// With no Redis at the default address, the suite gets a private throwaway one.
if (!process.env.REDIS_URL && !(await redisAnswers(url))) url = `redis://127.0.0.1:${await freePort()}`;
const redis = await ensureRedis(url, { persist: false });
let status = 1;
try {
  say('typechecking…');
  // One program over every package, test and bench file: the same check as `pnpm -r typecheck`, faster.
  status = bin('tsc', ['-p', 'tsconfig.json']);
  // Lint and format are checked on every run, but a finding does not hide the test results: it fails the run at the end.
  say('linting (eslint, prettier --check)…');
  const eslint = bin('eslint', ['.']);
  const lint = bin('prettier', ['--check', '--log-level', 'warn', '.']) || eslint;
  if (status === 0) {
    say(`running tests against ${url}`);
    const report = join(ROOT, 'test-artifacts/vitest.json');
    rmSync(report, { force: true });
    // The services' logs of this run only: the check below greps them for every test key.
    rmSync(join(ROOT, 'test-artifacts/logs'), { recursive: true, force: true });
    status = bin(
      'vitest',
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
      {
        env: { ...process.env, REDIS_URL: url },
      },
    );
    // No API key a test used may be in any log line (test/log-secrets.ts); a leak fails the run.
    const leaks = spawnSync(process.execPath, ['--import', 'tsx', 'test/log-secrets.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
    }).status;
    if (leaks !== 0 && status === 0) status = 1;
    if (lint !== 0 && status === 0) {
      say('lint failed (see above): `npm run lint` to see it again, `npm run format` to fix formatting');
      status = 1;
    }
    // One plain closing line any CI can read: "tests: N passed, N failed, N skipped".
    if (existsSync(report)) {
      const r = JSON.parse(readFileSync(report, 'utf8'));
      const skipped = r.numPendingTests + r.numTodoTests;
      console.log(
        `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
      );
    }
  }
} finally {
  await redis.stop();
}
process.exit(status);
