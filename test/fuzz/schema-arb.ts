// fast-check arbitraries derived from a route's JSON schema (as the OpenAPI document states it):
// `validish` keeps to the schema (with its examples mixed in, so deep branches are reached),
// `hostile` breaks it in one place at a time or sends something else altogether.
import fc from 'fast-check';

export type Schema = Record<string, any>;

const STRING_CAP = 40;
const ARRAY_CAP = 4;
const MAX_DEPTH = 6;

/** Values that have broken parsers and validators elsewhere: wrong types, NaN-likes, edges. */
export const oddScalar: fc.Arbitrary<unknown> = fc.constantFrom(
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  0.5,
  -1e-320,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  -(2 ** 63),
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'true',
  '0x1f',
  '1_000',
  '٣',
  '１２',
  '\u0000',
  '\ud800',
  '\u202e',
  '💥🔥',
  'é',
  '..',
  '../../etc/passwd',
  '%00',
  '%zz',
  '<script>',
  "'; --",
  '{}',
  '[]',
  '__proto__',
  'constructor',
  'toString',
  'job_',
  'ds_',
  'sw_',
);

/** A key an object should not have, or one that trips a naive `obj[key]`. */
const oddKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', '', ' ', '💥', 'a'.repeat(300)),
  fc.string({ maxLength: 12 }),
);

/**
 * `[[[…0…]]]` or `{"a":{"a":…}}` nested `depth` deep, written out only by `toJsonText`:
 * fast-check's printer and JSON.stringify both recurse and overflow on values 10,000 deep.
 */
export class Nested {
  constructor(
    readonly depth: number,
    readonly asObject: boolean,
  ) {}
  text(): string {
    return this.asObject
      ? '{"a":'.repeat(this.depth) + '0' + '}'.repeat(this.depth)
      : '['.repeat(this.depth) + '0' + ']'.repeat(this.depth);
  }
  [fc.toStringMethod](): string {
    return `nested(${this.depth}, ${this.asObject ? 'objects' : 'arrays'})`;
  }
}

/** JSON text of a generated value, `Nested` parts spelled out in full. */
export function toJsonText(value: unknown): string {
  const parts: Nested[] = [];
  const text =
    JSON.stringify(value, (_k, v: unknown) => (v instanceof Nested ? `\u0000nested${parts.push(v) - 1}\u0000` : v)) ??
    'null';
  return parts.length === 0
    ? text
    : text.replace(/"\\u0000nested(\d+)\\u0000"/g, (_m, i: string) => parts[Number(i)].text());
}

/** Something that is not what the schema wants: odd scalars, long strings, deep nesting, big arrays. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: oddScalar },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 100_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => Number(n)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(fc.integer({ min: 2, max: 3000 }), fc.constantFrom(10_000, 100_000)), fc.boolean())
      .map(([d, o]) => new Nested(d, o)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 100_000 }).map((n) => new Array(n).fill(0)) },
  { weight: 1, arbitrary: fc.dictionary(oddKey, oddScalar, { maxKeys: 4 }) },
);

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties) return ['object'];
  return [];
}

function stringArb(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? STRING_CAP, STRING_CAP));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    // A pattern is anchored or not; either way its matches may run long: cut to maxLength, then
    // keep only real matches (a cut one is generated again).
    return fc
      .stringMatching(re)
      .map((v) => (v.length < min ? v + 'a'.repeat(min - v.length) : v.slice(0, s.maxLength ?? v.length)))
      .filter((v) => re.test(v) && v.length >= min);
  }
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }),
  );
}

function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : s.minimum;
  const hi = s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : s.maximum;
  if (integer) {
    const min = Math.max(
      Number.MIN_SAFE_INTEGER,
      lo === undefined ? -(2 ** 31) : Math.ceil(lo + (s.exclusiveMinimum !== undefined ? 1 : 0)),
    );
    const max = Math.min(
      Number.MAX_SAFE_INTEGER,
      hi === undefined ? 2 ** 31 : Math.floor(hi - (s.exclusiveMaximum !== undefined ? 1 : 0)),
    );
    // Small values are where behaviour changes (0, 1, a few); the range's ends come with them.
    return fc.oneof(
      fc.integer({ min, max: Math.min(max, Math.max(min, 0) + 16) }),
      fc.integer({ min, max }),
      fc.constantFrom(min, max),
    );
  }
  return fc.double({
    min: lo ?? -1e9,
    max: hi ?? 1e9,
    minExcluded: s.exclusiveMinimum !== undefined,
    maxExcluded: s.exclusiveMaximum !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function objectArb(s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props: Record<string, Schema> = s.properties ?? {};
  const required = new Set<string>(s.required ?? []);
  const fields = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validish(v, depth + 1)])), {
    requiredKeys: Object.keys(props).filter((k) => required.has(k)),
  }) as fc.Arbitrary<Record<string, unknown>>;
  const extra = s.additionalProperties;
  if (extra === false || (extra === undefined && Object.keys(props).length > 0)) return fields;
  const keyArb = s.propertyNames?.pattern ? stringArb(s.propertyNames) : fc.string({ minLength: 1, maxLength: 12 });
  const valueArb = extra && typeof extra === 'object' ? validish(extra, depth + 1) : fc.jsonValue({ maxDepth: 2 });
  const minKeys = s.minProperties ?? 0;
  const maxKeys = Math.max(minKeys, Math.min(s.maxProperties ?? ARRAY_CAP, ARRAY_CAP));
  return fc
    .tuple(fields, fc.dictionary(keyArb, valueArb, { minKeys, maxKeys }))
    .map(([f, more]) => ({ ...more, ...f }));
}

/** Values that follow the schema (give or take what a schema cannot say), mixed with its examples. */
export function validish(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.jsonValue({ maxDepth: 1 });
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  let arb: fc.Arbitrary<unknown>;
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    arb = fc.oneof(...(s.anyOf ?? s.oneOf).map((b: Schema) => validish(b, depth + 1)));
  } else {
    const types = typesOf(s);
    const one = (t: string): fc.Arbitrary<unknown> => {
      switch (t) {
        case 'string':
          return stringArb(s);
        case 'integer':
          return numberArb(s, true);
        case 'number':
          return numberArb(s, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(s.items ? validish(s.items, depth + 1) : fc.jsonValue({ maxDepth: 2 }), {
            minLength: s.minItems ?? 0,
            maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? ARRAY_CAP, ARRAY_CAP)),
          });
        case 'object':
          return objectArb(s, depth);
        default:
          return fc.jsonValue({ maxDepth: 2 });
      }
    };
    arb = types.length === 0 ? fc.jsonValue({ maxDepth: 2 }) : fc.oneof(...types.map(one));
  }
  const examples = examplesOf(s);
  return examples.length > 0
    ? fc.oneof(
        { weight: 3, arbitrary: arb },
        { weight: 1, arbitrary: fc.constantFrom(...examples).map((e) => structuredClone(e)) },
      )
    : arb;
}

function examplesOf(s: Schema): unknown[] {
  return [
    ...(Array.isArray(s.examples) ? s.examples : []),
    ...(s.example !== undefined ? [s.example] : []),
    ...(s.default !== undefined ? [s.default] : []),
  ];
}

/** Just outside a number's range, or the wrong kind of number. */
function badNumber(s: Schema, integer: boolean): fc.Arbitrary<unknown> {
  const edges: unknown[] = [1e300, -1e300, 2 ** 53, -(2 ** 53), 0.5, -0.5, '1', '1e3', [1]];
  if (s.minimum !== undefined) edges.push(s.minimum - 1, s.minimum - 1e-9);
  if (s.maximum !== undefined) edges.push(s.maximum + 1, s.maximum + 1e-9, s.maximum * 1000);
  if (s.exclusiveMaximum !== undefined) edges.push(s.exclusiveMaximum);
  if (s.exclusiveMinimum !== undefined) edges.push(s.exclusiveMinimum);
  if (integer) edges.push(1.5, 1e-7);
  return fc.constantFrom(...edges);
}

/** One place broken: a wrong type, a value out of range, a field missing or extra, a list too long. */
export function hostile(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return junk;
  const options: fc.WeightedArbitrary<unknown>[] = [{ weight: 3, arbitrary: junk }];
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    for (const b of s.anyOf ?? s.oneOf) options.push({ weight: 2, arbitrary: hostile(b, depth + 1) });
  }
  const types = typesOf(s);
  if (types.includes('integer') || types.includes('number'))
    options.push({ weight: 3, arbitrary: badNumber(s, types.includes('integer')) });
  if (types.includes('string')) {
    const long = (s.maxLength ?? 1000) + 1;
    options.push({ weight: 2, arbitrary: fc.constantFrom('x'.repeat(long), '💥'.repeat(Math.ceil(long / 2)), '') });
    if (s.pattern) options.push({ weight: 2, arbitrary: fc.string({ maxLength: 20 }) });
  }
  if (types.includes('array')) {
    const item = s.items ?? {};
    const minItems = s.minItems ?? 0;
    const len = { minLength: Math.max(minItems, 1), maxLength: Math.max(minItems, 1) + 2 };
    options.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.array(validish(item, depth + 1), len), hostile(item, depth + 1), fc.nat())
        .map(([xs, bad, at]) => xs.map((x, i) => (i === at % xs.length ? bad : x))),
    });
    if (s.maxItems !== undefined && s.maxItems < 100_000)
      options.push({
        weight: 1,
        arbitrary: fc.constant(new Array(s.maxItems + 1).fill(structuredClone(item.examples?.[0] ?? 0))),
      });
  }
  if (types.includes('object') && s.properties) {
    const keys = Object.keys(s.properties);
    // Breaking one field of a documented example gets past every other check: the most telling cases.
    const examples = examplesOf(s).filter((e) => e && typeof e === 'object' && !Array.isArray(e)) as Record<
      string,
      unknown
    >[];
    const base = examples.length
      ? fc.oneof(
          objectArb(s, depth),
          fc.constantFrom(...examples).map((e) => structuredClone(e)),
        )
      : objectArb(s, depth);
    if (keys.length > 0) {
      // One property replaced by a hostile value of its own schema.
      options.push({
        weight: 6,
        arbitrary: fc
          .constantFrom(...keys)
          .chain((k) => fc.tuple(base, hostile(s.properties[k], depth + 1)).map(([o, bad]) => ({ ...o, [k]: bad }))),
      });
    }
    if ((s.required ?? []).length > 0) {
      options.push({
        weight: 2,
        arbitrary: fc
          .tuple(base, fc.constantFrom(...(s.required as string[])))
          .map(([o, k]) => Object.fromEntries(Object.entries(o).filter(([key]) => key !== k))),
      });
    }
    options.push({ weight: 2, arbitrary: fc.tuple(base, oddKey, junk).map(([o, k, v]) => ({ ...o, [k]: v })) });
  }
  return fc.oneof(...options);
}

/** Mostly hostile, sometimes valid-ish or a documented example as is: the valid ones reach the handlers' own checks. */
export function fuzzValue(s: Schema): fc.Arbitrary<unknown> {
  const examples = examplesOf(s);
  const documented = examples.length
    ? [{ weight: 1, arbitrary: fc.constantFrom(...examples).map((e) => structuredClone(e)) }]
    : [];
  return fc.oneof({ weight: 2, arbitrary: validish(s) }, { weight: 3, arbitrary: hostile(s) }, ...documented);
}
