import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { Type, type TSchema } from 'typebox';
import {
  BatchEvent,
  CancelledEvent,
  CheckpointEvent,
  CompletedEvent,
  EpochEvent,
  FailedEvent,
  JobEvent,
  LogEvent,
  ResumedEvent,
  StatusEvent,
  SweepEvent,
} from '@trainyard/contracts';

/** The event schemas under the names openapi.json gives them in components/schemas. */
const EVENT_SCHEMAS = {
  JobEvent,
  StatusEvent,
  LogEvent,
  BatchEvent,
  EpochEvent,
  CompletedEvent,
  CheckpointEvent,
  ResumedEvent,
  FailedEvent,
  CancelledEvent,
  SweepEvent,
} satisfies Record<string, TSchema>;

export type EventSchemaName = keyof typeof EVENT_SCHEMAS;

type Components = NonNullable<NonNullable<FastifyDynamicSwaggerOptions['openapi']>['components']>;
type SchemasIn<C> = C extends { schemas?: infer S } ? (x: NonNullable<S>) => void : never;
/** components/schemas as @fastify/swagger takes them, whichever OpenAPI version's types it checks against. */
type ComponentSchemas = SchemasIn<Components> extends (x: infer All) => void ? All : never;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * components/schemas for the event payloads: a union names its variants by reference, so a
 * generated client gets one type per event and the union of them.
 */
export function eventSchemaComponents(): ComponentSchemas {
  const names = new Map<unknown, string>(Object.entries(EVENT_SCHEMAS).map(([name, schema]) => [schema, name]));
  // TypeBox's schemas are JSON Schema; openapi-types describes the same objects by other types.
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([name, schema]) => {
      const variants = (schema as { anyOf?: unknown[] }).anyOf;
      if (!variants) return [name, schema];
      return [name, { ...schema, anyOf: variants.map((v) => (names.has(v) ? ref(names.get(v)!) : v)) }];
    }),
  ) as ComponentSchemas;
}

/**
 * The 200 of an SSE route, written once: a text/event-stream whose messages' `data` are the named
 * event schemas (in `x-event-data`, as OpenAPI 3.1 has no item schema for a stream), with the
 * `tags` fields added when the stream is multiplexed.
 */
export function eventStreamResponse(data: EventSchemaName[], example: string, tags: ('job_id' | 'sweep_id')[] = []) {
  const names = (list: string[]) => list.map((n) => `\`${n}\``).join(' or ');
  return {
    description:
      `An event stream: each message's \`event\` is its data's \`type\` and its \`data\` one line of JSON, a ` +
      `${names(data)} (components/schemas)${tags.length > 0 ? ` with ${names(tags)} added` : ''}.`,
    content: {
      'text/event-stream': {
        schema: Type.String({ examples: [example] }),
        'x-event-data': data.length === 1 ? ref(data[0]) : { anyOf: data.map(ref) },
      },
    },
  };
}
