import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Both read the committed openapi/openapi.json; openapi.test.ts proves it is what the routes
// generate, so a new route without docs fails here as soon as its schema is written out.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const doc = JSON.parse(readFileSync(`${ROOT}openapi/openapi.json`, 'utf8')) as OpenApi;

interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: unknown;
  'x-event-data'?: unknown;
}
interface Schema {
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  example?: unknown;
  examples?: unknown[];
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.has(method))
    .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
);

/** Files (format: binary, or a form of them) have no JSON example worth writing. */
function isBinary(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (schema.format === 'binary') return true;
  const props = Object.values(schema.properties ?? {});
  return schema.type === 'object' && props.length > 0 && props.every((p) => p.format === 'binary');
}

function hasExample(media: Media): boolean {
  const { schema } = media;
  return (
    media.example !== undefined ||
    media.examples !== undefined ||
    schema?.example !== undefined ||
    (schema?.examples?.length ?? 0) > 0
  );
}

/** The first example of a media type, wherever @fastify/swagger put it. */
function firstExample(media: Media): unknown {
  if (media.example !== undefined) return media.example;
  if (media.examples && typeof media.examples === 'object') {
    const first = Object.values(media.examples as Record<string, { value?: unknown }>)[0];
    return first?.value ?? first;
  }
  return media.schema?.example ?? media.schema?.examples?.[0];
}

describe('openapi/openapi.json, operation by operation', () => {
  it('has the operations of every route file', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const prefix of ['/v1/jobs', '/v1/events', '/v1/datasets', '/v1/jobs/{id}/model', '/healthz', '/readyz'])
      expect(
        operations.some((o) => o.path.startsWith(prefix)),
        prefix,
      ).toBe(true);
  });

  it.each(operations)('$name: summary, description, operationId, tags', ({ name, op }) => {
    expect(op.summary?.trim(), name).toBeTruthy();
    expect(op.description?.trim().length ?? 0, `${name}: description`).toBeGreaterThanOrEqual(20);
    expect(op.operationId, name).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(op.tags?.length ?? 0, name).toBeGreaterThan(0);
  });

  it('gives every operation its own operationId', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(operations)('$name: an example for every request body and every answer with a body', ({ name, op }) => {
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      if (!isBinary(media.schema)) expect(hasExample(media), `${name} request ${type}`).toBe(true);
    }
    const statuses = Object.keys(op.responses);
    expect(
      statuses.some((s) => /^[23]/.test(s)),
      `${name}: a success answer`,
    ).toBe(true);
    for (const [status, res] of Object.entries(op.responses)) {
      expect(res.description, `${name} ${status}: description`).toBeTruthy();
      for (const [type, media] of Object.entries(res.content ?? {})) {
        if (!isBinary(media.schema)) expect(hasExample(media), `${name} ${status} ${type}`).toBe(true);
      }
    }
  });

  it.each(operations)('$name: every error answer is the ErrorEnvelope, with a coded example', ({ name, op }) => {
    for (const [status, res] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status)) continue;
      if (name === 'GET /readyz' && status === '503') continue; // a probe answers its own small body
      const media = res.content?.['application/json'];
      expect(media, `${name} ${status}`).toBeDefined();
      const schema = media!.schema!;
      expect(schema.required, `${name} ${status}`).toEqual(['error']);
      expect(schema.properties?.error?.required, `${name} ${status}`).toEqual(
        expect.arrayContaining(['code', 'message']),
      );
      expect(firstExample(media!), `${name} ${status}`).toMatchObject({
        error: { code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/), message: expect.any(String) },
      });
    }
  });

  it.each(operations.filter((o) => o.path.startsWith('/v1/')))(
    '$name: documents its 4xx answers (400, 401, 404 for an id) and needs an API key',
    ({ name, path, op }) => {
      const statuses = Object.keys(op.responses);
      expect(statuses, name).toContain('400');
      expect(statuses, name).toContain('401');
      if (path.includes('{id}')) expect(statuses, name).toContain('404');
      expect(op.security?.length ?? 0, name).toBeGreaterThan(0);
      for (const requirement of op.security!)
        for (const scheme of Object.keys(requirement))
          expect(doc.components?.securitySchemes, name).toHaveProperty(scheme);
    },
  );

  it.each(operations.filter((o) => !o.path.startsWith('/v1/')))('$name: open (no API key)', ({ name, op }) => {
    expect(op.security, name).toEqual([]);
  });
});

/** Every `$ref` anywhere under `node`, extensions included. */
function refsIn(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return [];
  const own = (node as { $ref?: unknown }).$ref;
  return [...(typeof own === 'string' ? [own] : []), ...Object.values(node).flatMap(refsIn)];
}

describe('openapi/openapi.json, server-sent events', () => {
  const streams = operations.filter((o) => o.op.responses['200']?.content?.['text/event-stream']);

  it.each(streams)('$name: names the schema of its events in x-event-data, and it resolves', ({ name, op }) => {
    const media = op.responses['200'].content!['text/event-stream'];
    const refs = refsIn(media['x-event-data']);
    expect(refs.length, name).toBeGreaterThan(0);
    for (const ref of refs)
      expect(doc.components?.schemas, name).toHaveProperty(ref.replace('#/components/schemas/', ''));
  });

  it('has the three streams, and every component schema is referenced (redocly.yaml leaves that rule to this test)', () => {
    expect(streams.map((o) => o.name).sort()).toEqual([
      'GET /v1/events',
      'GET /v1/jobs/{id}/events',
      'GET /v1/sweeps/{id}/events',
    ]);
    const used = new Set(refsIn(doc).map((r) => r.replace('#/components/schemas/', '')));
    expect(Object.keys(doc.components?.schemas ?? {}).filter((n) => !used.has(n))).toEqual([]);
    expect(used.has('JobEvent') && used.has('SweepEvent')).toBe(true);
  });
});

describe('redocly lint (recommended rules, redocly.yaml)', () => {
  it('finds no errors and no warnings in openapi/openapi.json', () => {
    const r = spawnSync(
      process.execPath,
      [`${ROOT}node_modules/@redocly/cli/bin/cli.js`, 'lint', 'openapi/openapi.json', '--format=json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // No telemetry and no update check: CI may have no way out, and lint needs none.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 60_000,
      },
    );
    const out = r.stdout.slice(r.stdout.indexOf('{'));
    const report = JSON.parse(out) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(r.status).toBe(0);
  });
});
