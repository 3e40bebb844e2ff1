import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type DestinationStream } from 'pino';

/** Where every test's service logs go; the check after `npm test` (test/log-secrets.ts) greps them for keys. */
export const TEST_LOG_DIR = fileURLToPath(new URL('../../../../test-artifacts/logs', import.meta.url));

/** The level services log at in tests: info, so each request line is written and checked. */
export const TEST_LOG_LEVEL = process.env.TEST_LOG_LEVEL || 'info';

let shared: DestinationStream | undefined;

/** One log file per test process for in-process apps and workers (a vitest fork runs many). */
export function testLogStream(): DestinationStream {
  if (!shared) {
    mkdirSync(TEST_LOG_DIR, { recursive: true });
    shared = pino.destination({ dest: join(TEST_LOG_DIR, `vitest-${process.pid}.log`), sync: true, append: true });
  }
  return shared;
}

/** A file for one spawned process's output (stdout and stderr as it wrote them). */
export function testLogFile(name: string): WriteStream {
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  return createWriteStream(join(TEST_LOG_DIR, `${name}-${process.pid}-${Date.now().toString(36)}.log`), { flags: 'a' });
}
