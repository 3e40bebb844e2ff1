import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JobEvent as ContractJobEvent, SweepEvent as ContractSweepEvent } from '@trainyard/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JobEvent } from './follow.js';
import type { components } from './openapi.js';

const PKG = fileURLToPath(new URL('../', import.meta.url));

describe('src/openapi.ts', () => {
  it('is what openapi-typescript generates from openapi/openapi.json (run `pnpm openapi` after changing a schema)', () => {
    // The same command as the package's `generate` script, to stdout instead of the file.
    const r = spawnSync(
      process.execPath,
      [`${PKG}node_modules/openapi-typescript/bin/cli.js`, '../../openapi/openapi.json'],
      { cwd: PKG, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const committed = readFileSync(`${PKG}src/openapi.ts`, 'utf8');
    // toBe on the whole text would print 5,000 lines; the first differing line says enough.
    const fresh = r.stdout.split('\n');
    const lines = committed.split('\n');
    const at = Array.from({ length: Math.max(fresh.length, lines.length) }, (_, i) => i).find(
      (i) => fresh[i] !== lines[i],
    );
    expect(
      at === undefined
        ? 'up to date'
        : `stale from line ${at! + 1}: ${JSON.stringify(lines[at])} should be ${JSON.stringify(fresh[at])}`,
    ).toBe('up to date');
  });
});

describe('the generated event types', () => {
  // Compile-time: `npm test` type-checks this file, so a schema that drifts from the contracts'
  // types (or falls back to `string`) fails there.
  it('are the contracts: JobEvent a union of the event objects, SweepEvent its object', () => {
    expectTypeOf<JobEvent>().toEqualTypeOf<ContractJobEvent>();
    expectTypeOf<components['schemas']['SweepEvent']>().toEqualTypeOf<ContractSweepEvent>();
    expectTypeOf<Extract<JobEvent, { type: 'epoch' }>['logs']>().toEqualTypeOf<Record<string, number>>();
    const types: Record<JobEvent['type'], true> = {
      status: true,
      log: true,
      batch: true,
      epoch: true,
      completed: true,
      checkpoint: true,
      resumed: true,
      failed: true,
      cancelled: true,
    };
    expect(Object.keys(types)).toHaveLength(9);
  });
});
