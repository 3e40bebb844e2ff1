import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLeaks } from './log-secrets.js';

// The scanner `npm test` runs over the run's logs must find what it is there to find.
describe('findLeaks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ty-logs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a listed key anywhere in a line, and any access_token value that is not the censor', () => {
    writeFileSync(
      join(dir, 'clean.log'),
      '{"msg":"incoming request","req":{"url":"/v1/jobs/j/events?access_token=[REDACTED]"}}\n{"msg":"x"}\n',
    );
    writeFileSync(
      join(dir, 'leaky.log'),
      '{"msg":"ok"}\n{"authorization":"Bearer listed-key-0123456789"}\n{"url":"/e?after=1&access_token=unlisted-0123456789"}\n',
    );
    writeFileSync(join(dir, 'ignored.txt'), 'listed-key-0123456789\n');
    const r = findLeaks(dir, ['listed-key-0123456789']);
    expect(r).toMatchObject({ files: 2, lines: 5 });
    expect(r.leaks).toEqual([
      { file: 'leaky.log', line: 2, what: 'list*****************' },
      { file: 'leaky.log', line: 3, what: expect.stringMatching(/^acce\*+$/) },
    ]);
  });

  it('reports nothing for a directory that does not exist', () => {
    expect(findLeaks(join(dir, 'none'), ['k'])).toEqual({ files: 0, bytes: 0, lines: 0, leaks: [] });
  });
});
