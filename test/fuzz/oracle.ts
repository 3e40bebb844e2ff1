// What every fuzzed answer must satisfy, and the end-of-run checks: the service is healthy and
// no accepted job was lost.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import {
  API_ERRORS,
  JOB_STATUSES,
  TERMINAL_STATUSES,
  type ErrorCatalogue,
} from '../../packages/contracts/src/index.js';
import { DATA_ERRORS } from '../../packages/data/src/index.js';
import { NN_ERRORS } from '../../packages/nn/src/index.js';
import { TENSOR_ERRORS } from '../../packages/tensor/src/index.js';
import { keys } from '../../packages/store/src/index.js';

/** Every code an answer may carry, with its status: the api's catalogue and the engine's and data package's. */
export const ERROR_CATALOGUE: ErrorCatalogue = { ...API_ERRORS, ...NN_ERRORS, ...DATA_ERRORS, ...TENSOR_ERRORS };

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Why an answer breaks the house rules, or null when it keeps them: no 5xx at all, and every
 * 4xx is the JSON envelope `{ error: { code, message } }` with a catalogued code whose status
 * is the one sent.
 */
export function violation(res: Answer): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return null;
  let parsed: any;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return `answered ${res.statusCode} without a JSON body: ${JSON.stringify(res.body.slice(0, 200))}`;
  }
  const error = parsed?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return `answered ${res.statusCode} without the {error:{code,message}} envelope: ${res.body.slice(0, 300)}`;
  }
  const catalogued = Object.hasOwn(ERROR_CATALOGUE, error.code) ? ERROR_CATALOGUE[error.code] : undefined;
  if (!catalogued) return `answered ${res.statusCode} with a code outside the catalogues: ${error.code}`;
  // Fastify's own client errors keep their status (e.g. 414, 431) under a general code.
  if (catalogued.status !== res.statusCode && error.code !== 'BAD_REQUEST') {
    return `answered ${res.statusCode} with ${error.code}, whose catalogued status is ${catalogued.status}`;
  }
  return null;
}

/** Throws unless /healthz and /readyz answer 200. */
export async function expectHealthy(app: FastifyInstance): Promise<void> {
  for (const url of ['/healthz', '/readyz']) {
    const res = await app.inject({ method: 'GET', url });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  }
}

/** Every job id in the tenant's index, with its status, paging through GET /v1/jobs. */
export async function indexedJobs(
  app: FastifyInstance,
  headers: Record<string, string> = {},
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers,
    });
    if (res.statusCode !== 200) throw new Error(`GET /v1/jobs answered ${res.statusCode}: ${res.body}`);
    const page = res.json() as { items: { id: string; status: string }[]; next_cursor: string | null };
    for (const j of page.items) found.set(j.id, j.status);
    cursor = page.next_cursor;
  } while (cursor);
  return found;
}

/**
 * "No job lost": each accepted job is listed with a valid status, readable on its own, and
 * has its event stream; returns the problems found (empty when none).
 */
export async function lostJobs(
  app: FastifyInstance,
  redis: Redis,
  prefix: string,
  accepted: Iterable<string>,
  headers: Record<string, string> = {},
): Promise<string[]> {
  const index = await indexedJobs(app, headers);
  const problems: string[] = [];
  for (const id of accepted) {
    const listed = index.get(id);
    if (!listed || !(JOB_STATUSES as readonly string[]).includes(listed))
      problems.push(`${id}: not in the job index (listed as ${listed})`);
    const one = await app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers });
    if (one.statusCode !== 200) problems.push(`${id}: GET answered ${one.statusCode}`);
    if ((await redis.xlen(keys.events(prefix, id))) < 1) problems.push(`${id}: no event stream`);
  }
  return problems;
}

export const isTerminal = (status: string | undefined): boolean =>
  (TERMINAL_STATUSES as readonly string[]).includes(status ?? '');

/** Waits until every job is terminal or the deadline passes; returns those still not terminal with their status. */
export async function awaitTerminal(
  app: FastifyInstance,
  ids: Iterable<string>,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<Map<string, string>> {
  const waiting = new Map([...ids].map((id) => [id, 'unknown']));
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0 && Date.now() < deadline) {
    for (const id of [...waiting.keys()]) {
      const res = await app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers });
      const status = res.statusCode === 200 ? (res.json() as { status: string }).status : `http ${res.statusCode}`;
      if (isTerminal(status)) waiting.delete(id);
      else waiting.set(id, status);
    }
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  return waiting;
}
