import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp } from './test-utils/app.js';

let app: FastifyInstance;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, close } = await testApp());
});
afterAll(async () => {
  await close();
});

describe('openapi/openapi.json', () => {
  it('is what the routes generate (run `pnpm openapi` after changing a schema)', async () => {
    const committed = JSON.parse(await readFile(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8'));
    expect(app.swagger()).toEqual(committed);
  });

  it('documents every operation with a summary, a description and its error responses', () => {
    const doc = app.swagger() as unknown as {
      paths: Record<
        string,
        Record<string, { summary?: string; description?: string; responses: Record<string, unknown> }>
      >;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(4);
    for (const { path, op } of ops) {
      expect(op.summary, path).toBeTruthy();
      expect(op.description, path).toBeTruthy();
      if (path.startsWith('/v1/')) expect(Object.keys(op.responses), path).toContain('400');
    }
  });
});
