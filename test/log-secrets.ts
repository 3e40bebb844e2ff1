// The check after a full test run: no API key a test used may appear in any service log the run
// wrote (test-artifacts/logs/, see services/api/src/test-utils/logs.ts). `npm test` runs it after
// vitest: `node --import tsx test/log-secrets.ts`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_TEST_SECRETS } from '../services/api/src/test-utils/keys.js';
import { TEST_LOG_DIR } from '../services/api/src/test-utils/logs.js';

export interface Leak {
  file: string;
  line: number;
  /** The secret (masked past its first 4 characters) or the pattern that matched. */
  what: string;
}

// Any access_token value that is not the censor, whatever key it held (one the list may lack).
const QUERY_TOKEN = /access_token=(?!\[REDA|%5BREDA)[^&\s"\\]+/g;

const mask = (s: string) => `${s.slice(0, 4)}${'*'.repeat(Math.max(0, s.length - 4))}`;

/** Scans every *.log file under `dir` for the secrets and for unredacted ?access_token= values. */
export function findLeaks(
  dir: string,
  secrets: readonly string[],
): { files: number; bytes: number; lines: number; leaks: Leak[] } {
  const result = { files: 0, bytes: 0, lines: 0, leaks: [] as Leak[] };
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    result.files++;
    result.bytes += Buffer.byteLength(text);
    text.split('\n').forEach((line, i) => {
      if (line === '') return;
      result.lines++;
      for (const s of secrets) if (line.includes(s)) result.leaks.push({ file: name, line: i + 1, what: mask(s) });
      for (const m of line.matchAll(QUERY_TOKEN)) result.leaks.push({ file: name, line: i + 1, what: mask(m[0]) });
    });
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = findLeaks(TEST_LOG_DIR, ALL_TEST_SECRETS);
  if (r.files === 0) {
    console.log('log check: this run wrote no service logs');
  } else if (r.leaks.length === 0) {
    console.log(
      `log check: ${ALL_TEST_SECRETS.length} test keys searched in ${r.files} log files (${r.lines} lines, ${r.bytes} bytes): none found`,
    );
  } else {
    console.log(`log check FAILED: ${r.leaks.length} secrets in the logs of this run (${TEST_LOG_DIR}):`);
    for (const l of r.leaks.slice(0, 20)) console.log(`  ${l.file}:${l.line}: ${l.what}`);
    process.exitCode = 1;
  }
}
