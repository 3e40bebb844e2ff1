// Fuzzed HTTP requests for every operation of the api's OpenAPI document, so a new route is
// fuzzed as soon as it is documented: path parameters (real ids mixed with junk), query strings,
// headers and bodies in each media type the operation takes, plus some it does not.
import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { fuzzValue, junk, toJsonText, type Schema } from './schema-arb.js';

export interface Operation {
  method: string;
  /** OpenAPI form, e.g. /v1/jobs/{id}. */
  path: string;
  pathParams: { name: string; schema: Schema }[];
  query: Schema | null;
  headers: { name: string; schema: Schema }[];
  /** Media type → schema of the request body, when the operation takes one. */
  body: Record<string, Schema> | null;
  /** The 200 is a server-sent event stream (read its head, then hang up). */
  sse: boolean;
}

/** The schema with the examples its media type or parameter gives (OpenAPI keeps them beside the schema). */
function withExamples(
  schema: Schema | undefined,
  holder: { example?: unknown; examples?: Record<string, { value?: unknown }> },
): Schema {
  const given =
    holder.example !== undefined ? [holder.example] : Object.values(holder.examples ?? {}).map((e) => e.value);
  const examples = given.filter((e) => e !== undefined);
  return examples.length ? { ...schema, examples: [...(schema?.examples ?? []), ...examples] } : (schema ?? {});
}

/** The operations of an OpenAPI 3 document. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params: any[] = op.parameters ?? [];
      const queryParams = params.filter((p) => p.in === 'query');
      const content = op.requestBody?.content as
        | Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> }>
        | undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: withExamples(p.schema, p) })),
        query: queryParams.length
          ? {
              type: 'object',
              properties: Object.fromEntries(queryParams.map((p) => [p.name, withExamples(p.schema, p)])),
              required: queryParams.filter((p) => p.required).map((p) => p.name),
              additionalProperties: false,
            }
          : null,
        headers: params
          .filter((p) => p.in === 'header')
          .map((p) => ({ name: p.name, schema: withExamples(p.schema, p) })),
        body: content
          ? Object.fromEntries(Object.entries(content).map(([type, c]) => [type, withExamples(c.schema, c)]))
          : null,
        sse: Boolean(op.responses?.['200']?.content?.['text/event-stream']),
      });
    }
  }
  return ops;
}

/** Which pool of real ids a path parameter draws from. */
export type IdKind = 'job' | 'dataset' | 'sweep' | 'other';
export const idKind = (path: string): IdKind =>
  path.startsWith('/v1/jobs/')
    ? 'job'
    : path.startsWith('/v1/datasets/')
      ? 'dataset'
      : path.startsWith('/v1/sweeps/')
        ? 'sweep'
        : 'other';

/** A path parameter: an index into the pool of real ids, or a generated value, encoded or raw. */
export type PathValue = { pool: number } | { value: unknown; raw: boolean };

/** How a request presents the API key: the right one (mostly), none, a wrong one, a malformed header, or ?access_token=. */
export type Auth = 'key' | 'none' | 'wrong' | 'malformed' | 'query';

export interface FuzzRequest {
  auth: Auth;
  path: PathValue[];
  query: unknown;
  querySuffix: string | null;
  headers: Record<string, string>;
  body: { type: string | null; payload: string | Buffer } | null;
}

const rawQuerySuffix = fc.constantFrom(
  '&%zz',
  '&a=%E0%A4%A',
  '&&&=',
  '&limit[]=1',
  '&__proto__[x]=1',
  '&status=queued&status=running',
  '&x=' + 'y'.repeat(5000),
  '#frag',
);

/** Header values that Node would refuse to send are not requests the server can receive. */
function headerOk(v: string): boolean {
  try {
    validateHeaderValue('x', v);
    return true;
  } catch {
    return false;
  }
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : toJsonText(v));

/** encodeURIComponent, with lone surrogates (which it throws on, and no client can send) made U+FFFD. */
const encode = (s: string): string =>
  encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Query objects become query strings the way clients write them: arrays repeat the name, objects are JSON. */
export function queryString(q: unknown, suffix: string | null): string {
  const parts: string[] = [];
  if (q && typeof q === 'object' && !Array.isArray(q)) {
    for (const [k, v] of Object.entries(q)) {
      for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encode(k)}=${encode(asText(item))}`);
    }
  } else if (q !== undefined && q !== null) {
    parts.push(encode(asText(q)));
  }
  const s = parts.join('&') + (suffix ?? '');
  return s ? `?${s}` : '';
}

/** The request path with its parameters filled in. */
export function pathWith(op: Operation, values: PathValue[], pool: readonly string[]): string {
  let i = 0;
  return op.path.replace(/\{[^}]+\}/g, () => {
    const v = values[i++];
    // Half the picks are the pool's first id (the test's own succeeded job or stored dataset), which the deepest handlers need.
    if ('pool' in v) return pool.length ? pool[v.pool % 2 === 0 ? 0 : v.pool % pool.length] : 'job_none';
    const text = asText(v.value);
    return v.raw ? text.replace(/[?#\s]/g, '') : encode(text);
  });
}

function multipartBody(): fc.Arbitrary<{ type: string; payload: Buffer }> {
  const part = fc.record({
    field: fc.constantFrom('x', 'y', 'file', 'other', ''),
    filename: fc.constantFrom('x.npy', 'y.npy', 'data.csv', 'd.json', 'x.idx.gz', '../../x', ''),
    content: fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom('a,b\n1,2\n', '{"x":[[1]],"y":[0]}', '\x93NUMPY\x01\x00v\x00{'),
    ),
  });
  return fc
    .tuple(fc.array(part, { maxLength: 4 }), fc.boolean(), fc.constantFrom('fuzzb', '', 'a'.repeat(80)))
    .map(([parts, closed, boundary]) => {
      const chunks: Buffer[] = [];
      for (const p of parts) {
        chunks.push(
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
          ),
        );
        chunks.push(Buffer.from(p.content as Uint8Array | string));
        chunks.push(Buffer.from('\r\n'));
      }
      if (closed) chunks.push(Buffer.from(`--${boundary}--\r\n`));
      return { type: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(chunks) };
    });
}

/** A body in one of the operation's media types (schema-derived for JSON), or in one it does not take. */
function bodyArb(op: Operation): fc.Arbitrary<FuzzRequest['body']> {
  const forType = (type: string, schema: Schema): fc.Arbitrary<FuzzRequest['body']> => {
    if (type === 'application/json') return fuzzValue(schema).map((v) => ({ type, payload: toJsonText(v) }));
    if (type === 'text/csv')
      return fc
        .oneof(
          fc.string({ maxLength: 200 }),
          fc.constant('a,b,c\n1,2,x\n3,4,y\n'),
          fc.constant('a\n' + '1\n'.repeat(3000)),
        )
        .map((payload) => ({ type, payload }));
    if (type.startsWith('multipart/')) return multipartBody();
    return fc.string({ maxLength: 100 }).map((payload) => ({ type, payload }));
  };
  const declared = Object.entries(op.body ?? {}).map(([type, schema]) => ({
    weight: 6,
    arbitrary: forType(type, schema),
  }));
  const broken = fc.oneof(
    fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'NaN',
        '{"a":1}garbage',
        '\u0000',
        '',
        '   ',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
      )
      .map((payload) => ({ type: 'application/json', payload })),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/JSON',
          'image/png',
        ),
        fc.string({ maxLength: 50 }),
      )
      .map(([type, payload]) => ({ type, payload })),
    junk.map((v) => ({ type: null, payload: toJsonText(v) })),
  );
  return fc.oneof(
    ...declared,
    { weight: declared.length ? 2 : 1, arbitrary: broken },
    { weight: declared.length ? 1 : 4, arbitrary: fc.constant(null) },
  );
}

/** Requests for one operation. */
export function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathValue: fc.Arbitrary<PathValue> = fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((pool) => ({ pool })) },
    ...op.pathParams.map((p) => ({
      weight: 3,
      arbitrary: fuzzValue(p.schema).map((value) => ({ value, raw: false })),
    })),
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.string({ maxLength: 20 }), fc.constantFrom('%', '%zz', '..', '.', '%2e%2e', 'x'.repeat(10_000)))
        .map((value) => ({ value, raw: true })),
    },
  );
  const headerValues = fc.record(
    Object.fromEntries(op.headers.map((h) => [h.name, fuzzValue(h.schema).map(asText).filter(headerOk)])),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string>>;
  return fc.record({
    auth: fc.oneof(
      { weight: 12, arbitrary: fc.constant<Auth>('key') },
      fc.constantFrom<Auth>('none', 'wrong', 'malformed', 'query'),
    ),
    path: fc.tuple(...op.pathParams.map(() => pathValue)),
    query: op.query ? fc.option(fuzzValue(op.query), { freq: 4 }) : fc.option(junk, { freq: 1 }),
    querySuffix: fc.option(rawQuerySuffix, { freq: 6 }),
    headers: headerValues,
    body: bodyArb(op),
  }) as fc.Arbitrary<FuzzRequest>;
}
